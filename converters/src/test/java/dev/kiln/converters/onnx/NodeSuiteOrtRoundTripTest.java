package dev.kiln.converters.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.NodeSuite;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every node-suite model that ONNX Runtime runs, imported and written back at its own opset (the
 * default), runs in ONNX Runtime with the same outputs; and it is written at that opset, in that
 * opset's forms, unless it is listed in {@link #RAISED} with the reason its old form cannot be written
 * back. The same models written at older opsets (downgraded) run the same too, or are refused.
 */
class NodeSuiteOrtRoundTripTest {
    /** Cases whose old form the exporter cannot reproduce, so it writes a newer opset instead. */
    private static final Map<String, String> RAISED = Map.of(
            "test_scan_sum", "Scan-8's batch axis becomes an outer Scan over an inner one on import; the nested form is not folded back");

    /** A node-suite case ORT runs deterministically: the imported model, its feeds and ORT's outputs for the original. */
    private record Case(String name, Model model, Map<String, Tensor> feeds, Map<String, Tensor> expected) {
    }

    @Test
    void everyModelOrtRunsRunsTheSameAfterExportAtItsOwnOpset() {
        List<String> failures = new ArrayList<>();
        List<String> raised = new ArrayList<>();
        List<Case> cases = ortCases();
        for (Case c : cases) {
            String name = c.name();
            Model model = c.model();
            try {
                ModelProto written = new OnnxModelWriter().toProto(model, 0);
                long opset = written.getOpsetImport(0).getVersion();
                if (opset != model.opsetVersion("") && !RAISED.containsKey(name)) {
                    raised.add(name + ": written at opset " + opset + " instead of " + model.opsetVersion(""));
                }
                String d = difference(c, written);
                if (d != null) {
                    failures.add(name + ": " + d);
                }
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        System.out.printf("ONNX Runtime ran %d node-suite models; %d differ or fail after export at their own opset; %d written at another opset%n",
                cases.size(), failures.size(), raised.size());
        assertTrue(cases.size() > 1000, "the suite should give over a thousand models ORT runs, got " + cases.size());
        assertTrue(failures.isEmpty() && raised.isEmpty(), String.join("\n", failures) + "\n" + String.join("\n", raised));
    }

    /**
     * Every such model written at each older opset it can be written at runs the same in ORT; where the
     * writer refuses, the refusal is an {@link OpsetExportException}. Only ORT's own lack of a kernel for
     * an old op version excuses a written model from running.
     */
    @Test
    void everyModelWrittenAtAnOlderOpsetRunsTheSame() {
        List<String> failures = new ArrayList<>();
        Map<Integer, int[]> perTarget = new TreeMap<>();
        for (Case c : ortCases()) {
            int own = c.model().opsetVersion("");
            for (int target : new int[] {7, 9, 10, 11, 12, 13, 17}) {
                if (target >= own) {
                    continue;
                }
                int[] counts = perTarget.computeIfAbsent(target, t -> new int[3]);
                ModelProto written;
                try {
                    written = new OnnxModelWriter().toProto(c.model(), target);
                } catch (OpsetExportException e) {
                    counts[1]++;
                    continue;
                } catch (RuntimeException e) {
                    failures.add(c.name() + " at " + target + ": not a typed refusal: " + e);
                    continue;
                }
                try {
                    String d = difference(c, written);
                    if (d != null) {
                        failures.add(c.name() + " at " + target + ": " + d);
                    } else {
                        counts[0]++;
                    }
                } catch (RuntimeException e) {
                    if (String.valueOf(e.getMessage()).contains("Could not find an implementation")) {
                        counts[2]++;
                    } else {
                        failures.add(c.name() + " at " + target + ": " + e.getMessage());
                    }
                }
            }
        }
        perTarget.forEach((t, n) -> System.out.printf("opset %d: %d written and run the same in ORT, %d refused by the writer, %d lack an ORT kernel%n",
                t, n[0], n[1], n[2]));
        assertTrue(perTarget.values().stream().mapToInt(n -> n[0]).sum() > 1000, "over a thousand downgraded models should run");
        assertTrue(failures.isEmpty(), failures.size() + " downgraded models differ:\n" + String.join("\n", failures));
    }

    /** ORT's outputs for the written model against the original's: null when equal, else what differs. */
    private static String difference(Case c, ModelProto written) {
        Map<String, Tensor> actual = OrtReference.run(written.toByteArray(), c.feeds());
        for (Map.Entry<String, Tensor> e : c.expected().entrySet()) {
            String d = TensorAssert.difference(e.getValue(), actual.get(e.getKey()), 1e-5, 1e-6);
            if (d != null) {
                return "output '" + e.getKey() + "': " + d;
            }
        }
        return null;
    }

    private static List<Case> ortCases() {
        List<Case> cases = new ArrayList<>();
        for (Path dir : NodeSuite.cases()) {
            try {
                byte[] original = Files.readAllBytes(dir.resolve("model.onnx"));
                OnnxTestCase tc = OnnxTestCaseReader.read(dir);
                Map<String, Tensor> feeds = feeds(tc.model(), tc.dataSets().get(0).inputs());
                Map<String, Tensor> expected = feeds == null ? null : OrtReference.run(original, feeds);
                // ops that draw random numbers give different outputs on every run
                if (expected != null && same(expected, OrtReference.run(original, feeds))) {
                    cases.add(new Case(dir.getFileName().toString(), tc.model(), feeds, expected));
                }
            } catch (IOException | RuntimeException e) {
                // ORT (or its Java API) cannot run the original: nothing to compare with
            }
        }
        return cases;
    }

    private static boolean same(Map<String, Tensor> a, Map<String, Tensor> b) {
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            if (TensorAssert.difference(e.getValue(), b.get(e.getKey()), 0, 0) != null) {
                return false;
            }
        }
        return true;
    }

    /** The test inputs by name, or null when one is a sequence or optional, which ORT's Java API cannot take. */
    private static Map<String, Tensor> feeds(Model model, List<RuntimeValue> inputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Value> declared = model.graph().requiredInputs();
        for (int k = 0; k < inputs.size() && k < declared.size(); k++) {
            if (!(inputs.get(k) instanceof Tensor t)) {
                return null;
            }
            out.put(declared.get(k).name(), t);
        }
        return out;
    }
}
