package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.passes.GraphOptimizer;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.OrtRunner;
import dev.kiln.testing.TensorAssert;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in ResNet-18: deterministic bytes, the fusions it is meant to exercise, and Kiln agreeing with ORT. */
class ResNetModelTest {
    @Test
    void theSameBatchGivesTheSameModelAndImages() {
        assertArrayEquals(Workloads.resNet18(1).modelBytes(), Workloads.resNet18(1).modelBytes());
        assertTrue(Workloads.resNet18(2).feeds().get("input").contentEquals(Workloads.resNet18(2).feeds().get("input")));
    }

    @Test
    void everyBatchNormalizationFoldsAndEveryActivationFuses() {
        Model m = ModelFormats.reader("onnx").read(Workloads.resNet18(1).modelBytes(), ModelLoadOptions.defaults());
        Map<String, Integer> rewrites = GraphOptimizer.optimize(m).rewrites();
        // 20 Conv + BatchNormalization pairs; 17 Convs followed by Relu or by the residual Add (the 3 shortcut Convs are not)
        assertEquals(20, rewrites.get("conv-batchnorm"));
        assertEquals(17, rewrites.get("conv-add-activation"));
    }

    @Test
    void kilnAgreesWithOnnxRuntime() {
        Workload w = Workloads.resNet18(1);
        Map<String, RuntimeValue> feeds = new HashMap<>(w.feeds());
        Tensor kiln;
        try (Session s = Session.open(w.modelBytes(), SessionOptions.builder().threads(2).build())) {
            kiln = (Tensor) s.run(feeds).get("logits");
        }
        Tensor ort;
        try (OrtRunner r = new OrtRunner(w.modelBytes(), 2)) {
            ort = r.run(w.feeds()).get("logits");
        }
        TensorAssert.assertClose(ort, kiln, 1e-4, 1e-4);
    }
}
