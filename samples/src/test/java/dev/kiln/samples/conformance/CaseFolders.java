package dev.kiln.samples.conformance;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.TensorProtos;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small ONNX test-case folders (model.onnx, test_data_set_0/) the way the ONNX suite lays them out. */
public final class CaseFolders {
    private CaseFolders() {
    }

    /** y = Abs(x) over float32[3]. */
    public static Model absModel() {
        Graph g = Graph.builder("abs")
                .input("x", ValueType.tensor(DType.FLOAT, 3))
                .node(Node.builder("Abs").name("abs").inputs("x").outputs("y").build())
                .output("y", ValueType.tensor(DType.FLOAT, 3))
                .build();
        return Model.builder(g).opset("", 13).build();
    }

    /** A case running {@link #absModel()} on {@code x} whose recorded output is {@code expectedY}. */
    public static Path absCase(Path parent, String name, float[] x, float[] expectedY) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        try (OutputStream out = Files.newOutputStream(dir.resolve("model.onnx"))) {
            ModelFormats.writer("onnx").write(absModel(), out, 0);
        }
        Path data = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(data.resolve("input_0.pb"), TensorProtos.toProto(Tensor.of(x, 3), "x").toByteArray());
        Files.write(data.resolve("output_0.pb"), TensorProtos.toProto(Tensor.of(expectedY, 3), "y").toByteArray());
        return dir;
    }

    /** A case whose recorded output is right. */
    public static Path passingCase(Path parent, String name) throws IOException {
        return absCase(parent, name, new float[] {-1, 2, -3.5f}, new float[] {1, 2, 3.5f});
    }

    /**
     * ONNX's node test suite, or null when absent. Tests run in samples/ and the suite sits in a "shared"
     * folder beside the project root, so look upwards.
     */
    public static Path nodeSuite() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/onnx-conformance/node");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
