package dev.kiln.samples.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.testing.OrtReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ONNX's node test suite from {@code ../shared/onnx-conformance/node} (present in developer and CI
 * checkouts, absent from a user's clone, where these tests skip). The cases in
 * {@code conformance/passing.txt} must keep passing; regenerate that list with
 * {@code java -jar samples/target/kiln.jar conformance ../shared/onnx-conformance/node --write-passing samples/src/test/resources/conformance/passing.txt}.
 */
class NodeSuiteConformanceTest {
    private static Path suite;
    private static Set<String> passing;

    @BeforeAll
    static void locate() throws IOException {
        suite = CaseFolders.nodeSuite();
        try (InputStream in = NodeSuiteConformanceTest.class.getResourceAsStream("/conformance/passing.txt")) {
            passing = new TreeSet<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(passing::add);
        }
    }

    private static void assumeSuite() {
        assumeTrue(suite != null, "ONNX node test suite not found (shared/onnx-conformance/node beside the project); skipping");
    }

    private List<Path> listedCases() {
        return passing.stream().map(suite::resolve).toList();
    }

    @Test
    void noListedCaseRegresses() throws IOException {
        assumeSuite();
        List<CaseResult> results;
        try (ConformanceRunner runner = ConformanceRunner.builder().build()) {
            results = runner.run(ConformanceRunner.findCases(List.of(suite)), r -> { });
        }
        Set<String> found = new TreeSet<>();
        List<String> regressions = new ArrayList<>();
        long passed = 0;
        for (CaseResult r : results) {
            found.add(r.name());
            passed += r.passed() ? 1 : 0;
            if (!r.passed() && passing.contains(r.name())) {
                regressions.add(r.line());
            }
        }
        System.out.printf("Kiln passes %d of %d ONNX node test cases (%d listed in passing.txt)%n", passed, results.size(), passing.size());
        Set<String> stale = new TreeSet<>(passing);
        stale.removeAll(found);
        assertTrue(stale.isEmpty() && regressions.isEmpty(), (stale.isEmpty() ? "" : "passing.txt lists cases the suite does not have: " + stale + "\n")
                + regressions.size() + " listed cases now fail:\n" + String.join("\n", regressions));
    }

    @Test
    void listedCasesPassAfterAnOnnxRoundTrip() {
        assumeSuite();
        List<String> failures = new ArrayList<>();
        try (ConformanceRunner runner = ConformanceRunner.builder().modelTransform(ConformanceRunner.onnxRoundTrip()).build()) {
            runner.run(listedCases(), r -> {
                if (!r.passed()) {
                    failures.add(r.line());
                }
            });
        }
        System.out.printf("%d of %d listed cases pass after export and re-import%n", passing.size() - failures.size(), passing.size());
        assertTrue(failures.isEmpty(), failures.size() + " cases fail after an ONNX round trip:\n" + String.join("\n", failures));
    }

    @Test
    void onnxRuntimeGivesTheSameOutputsOnConvertedModels() throws IOException {
        assumeSuite();
        OutputComparator comparator = OutputComparator.defaults();
        List<String> failures = new ArrayList<>();
        int compared = 0;
        int refused = 0;
        for (Path dir : listedCases()) {
            String name = dir.getFileName().toString();
            OnnxTestCase testCase;
            try {
                testCase = OnnxTestCaseReader.read(dir);
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getMessage());
                continue;
            }
            Map<String, Tensor> feeds = tensorFeeds(ConformanceRunner.feeds(testCase.model(), testCase.dataSets().get(0).inputs()));
            byte[] original = Files.readAllBytes(dir.resolve("model.onnx"));
            Map<String, Tensor> expected;
            try {
                expected = feeds == null ? null : OrtReference.run(original, feeds);
            } catch (RuntimeException e) {
                expected = null;
            }
            if (expected == null) {
                refused++;
                continue;
            }
            try {
                byte[] converted = ModelFormats.writer("onnx").toBytes(ModelFormats.reader("onnx").read(original, ModelLoadOptions.defaults()));
                Map<String, Tensor> actual = OrtReference.run(converted, feeds);
                for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                    String d = comparator.difference(e.getValue(), actual.get(e.getKey()));
                    if (d != null) {
                        failures.add(name + ": output '" + e.getKey() + "': " + d);
                        break;
                    }
                }
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getMessage());
            }
            compared++;
        }
        System.out.printf("ONNX Runtime: %d converted models compared with their originals, %d skipped (ORT or its Java API refuses the original)%n",
                compared, refused);
        assertTrue(failures.isEmpty(), failures.size() + " converted models run differently in ONNX Runtime:\n" + String.join("\n", failures));
    }

    /** The feeds as plain tensors, or null when one is a sequence or optional, which ORT's Java API cannot take. */
    private static Map<String, Tensor> tensorFeeds(Map<String, RuntimeValue> feeds) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RuntimeValue> e : feeds.entrySet()) {
            if (!(e.getValue() instanceof Tensor t)) {
                return null;
            }
            out.put(e.getKey(), t);
        }
        return out;
    }
}
