package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.NodeAssignment;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one node on the CUDA backend alone (no CPU fallback, so the node must be claimed) and on the CPU
 * backend, on the same inputs, and compares every output: floating outputs by max relative error
 * (|a - b| / max(1, |b|)), others exactly.
 */
final class CudaGpuHarness {
    private CudaGpuHarness() {
    }

    static void assumeGpu() {
        var a = new CudaBackendProvider().availability();
        Assumptions.assumeTrue(a.isAvailable(), "no usable GPU: " + a.reason());
    }

    /** One node case: the node, its inputs in order (name to tensor), output element types, tolerance. */
    static void check(String label, Node node, Map<String, Tensor> inputs, DType[] outputTypes, double tolerance) {
        Graph.Builder g = Graph.builder(label);
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            g.input(new Value(e.getKey(), new ValueType.TensorType(e.getValue().dtype(), e.getValue().shape())));
        }
        for (int i = 0; i < node.outputs().size(); i++) {
            if (!node.output(i).isEmpty()) {
                g.output(new Value(node.output(i), new ValueType.TensorType(outputTypes[i], null)));
            }
        }
        Model model = Model.builder(g.node(node).build()).opset("", 21).opset("dev.kiln", 1)
                .opset("ai.onnx.preview.training", 1).opset("dev.kiln.training", 1).build();
        Map<String, RuntimeValue> expected;
        try (Session cpu = Session.open(model, SessionOptions.builder().backends("cpu").optimize(false).build())) {
            expected = cpu.run(new LinkedHashMap<>(inputs));
        }
        Map<String, RuntimeValue> actual;
        try (Session gpu = Session.open(model, SessionOptions.builder().backends("cuda").fallbackToCpu(false).optimize(false).build())) {
            for (NodeAssignment a : gpu.assignment()) {
                assertEquals(CudaBackendProvider.ID, a.backendId(), label + ": node placed on " + a.backendId());
            }
            actual = gpu.run(new LinkedHashMap<>(inputs));
            // a second run reuses pooled memory: the results must not change
            Map<String, RuntimeValue> again = gpu.run(new LinkedHashMap<>(inputs));
            for (String k : actual.keySet()) {
                assertTrue(((Tensor) actual.get(k)).contentEquals((Tensor) again.get(k)), label + ": output '" + k + "' differs between runs");
            }
        }
        for (Map.Entry<String, RuntimeValue> e : expected.entrySet()) {
            Tensor want = (Tensor) e.getValue();
            Tensor got = (Tensor) actual.get(e.getKey());
            assertEquals(want.describe(), got.describe(), label + ": output '" + e.getKey() + "'");
            if (want.dtype().isFloatingPoint()) {
                double err = CudaTestModels.maxRelativeError(got, want);
                assertTrue(err <= tolerance, label + ": output '" + e.getKey() + "' max relative error " + err + " > " + tolerance);
            } else {
                assertTrue(got.contentEquals(want), label + ": output '" + e.getKey() + "' differs: " + got + " vs " + want);
            }
        }
    }
}
