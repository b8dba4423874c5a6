package dev.kiln.converters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Locates ONNX's backend node test suite in the shared folder beside the project; tests skip without it. */
public final class NodeSuite {
    private NodeSuite() {
    }

    /** The suite's folder, or null when this checkout has none; looked for in a "shared" folder in any parent folder. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/onnx-conformance/node");
            if (Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        return null;
    }

    /** Every case folder, sorted; skips the calling test (with the reason) when the suite is absent. */
    public static List<Path> cases() {
        Path root = root();
        Assumptions.assumeTrue(root != null, "ONNX node test suite not found at ../shared/onnx-conformance/node; skipping");
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root, e);
        }
    }

    /** One case folder by name; skips when the suite is absent. */
    public static Path testCase(String name) {
        Path root = root();
        Assumptions.assumeTrue(root != null, "ONNX node test suite not found at ../shared/onnx-conformance/node; skipping");
        return root.resolve(name);
    }
}
