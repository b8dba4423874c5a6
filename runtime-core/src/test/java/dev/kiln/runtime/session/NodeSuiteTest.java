package dev.kiln.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.testing.TensorAssert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of ONNX's backend node suite (in the shared folder beside the checkout) read by kiln-converters and
 * run through a session on the CPU backend: plain kernels, and If, Loop and Scan run by the runtime.
 * A case is skipped when the suite is absent or the CPU backend has no kernel for one of its ops.
 */
class NodeSuiteTest {
    private static final double RTOL = 1e-3;
    private static final double ATOL = 1e-5;

    private static Path suite() {
        for (Path p : List.of(Path.of("../shared/onnx-conformance/node"), Path.of("../../shared/onnx-conformance/node"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_matmul_2d", "test_matmul_4d", "test_identity_sequence", "test_if", "test_if_seq", "test_loop11", "test_loop13_seq",
            "test_loop16_seq_none", "test_if_opt", "test_scan9_sum", "test_scan9_multi_state", "test_scan9_scalar", "test_scan_sum"})
    void matchesTheSuitesExpectedOutputs(String name) {
        Path root = suite();
        Assumptions.assumeTrue(root != null && Files.isDirectory(root.resolve(name)), "ONNX node suite case " + name + " not found; skipping");
        OnnxTestCase testCase = OnnxTestCaseReader.read(root.resolve(name));
        Session opened;
        try {
            opened = Session.open(testCase.model(), SessionOptions.builder().threads(1).build());
        } catch (UnsupportedOpException e) {
            // kernel coverage is the CPU backend's business; this test is about the runtime running what exists
            Assumptions.abort(name + " needs a kernel the CPU backend lacks: " + e.getMessage());
            return;
        }
        try (Session s = opened) {
            for (OnnxTestCase.DataSet data : testCase.dataSets()) {
                Map<String, RuntimeValue> feeds = new LinkedHashMap<>();
                List<Value> inputs = testCase.model().graph().requiredInputs();
                for (int i = 0; i < data.inputs().size(); i++) {
                    feeds.put(inputs.get(i).name(), data.inputs().get(i));
                }
                Map<String, RuntimeValue> actual = s.run(feeds);
                List<Value> outputs = s.outputs();
                for (int k = 0; k < data.outputs().size(); k++) {
                    String out = outputs.get(k).name();
                    assertSame(name + " " + data.name() + " output '" + out + "'", data.outputs().get(k), actual.get(out));
                }
            }
        }
    }

    private static void assertSame(String what, RuntimeValue expected, RuntimeValue actual) {
        if (expected instanceof OptionalValue eo && !(actual instanceof OptionalValue)) {
            assertTrue(eo.value() != null, what + ": expected an empty optional, got " + actual.describe());
            assertSame(what, eo.value(), actual);
        } else if (expected instanceof Tensor e && actual instanceof Tensor a) {
            String d = TensorAssert.difference(e, a, RTOL, ATOL);
            assertTrue(d == null, what + ": " + d);
        } else if (expected instanceof TensorSequence e && actual instanceof TensorSequence a) {
            assertEquals(e.size(), a.size(), what + ": sequence length");
            for (int i = 0; i < e.size(); i++) {
                assertSame(what + " item " + i, e.get(i), a.get(i));
            }
        } else if (expected instanceof OptionalValue e && actual instanceof OptionalValue a) {
            assertEquals(e.isPresent(), a.isPresent(), what + ": optional presence");
            if (e.isPresent()) {
                assertSame(what, e.value(), a.value());
            }
        } else {
            fail(what + ": expected " + expected.describe() + ", got " + (actual == null ? "nothing" : actual.describe()));
        }
    }
}
