package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Layer;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.runtime.train.layers.Sym;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step that yields NaN or infinity stops training naming the tensor, or is skipped, and never reaches the weights. */
class NonFiniteTrainingTest {
    /**
     * {@code y = x * sqrt(s)} with s starting at 0: the forward pass and the loss are finite, but the gradient
     * of s is 0.5 / sqrt(0) times a non-zero sum, so only that one gradient is infinite (or NaN).
     */
    private record SqrtGate() implements Layer {
        @Override
        public Sym apply(NetBuilder net, Sym input) {
            String s = net.parameter(net.layerName("gate") + ".scale", new long[] {1}, () -> new float[1]);
            return new Sym(net.op("Mul", List.of(input.name(), net.op("Sqrt", List.of(s)))), input.shape());
        }
    }

    private static Network gated() {
        return Network.of("x", new long[] {3}, Sequential.of(new Dense(4, Activation.RELU), new SqrtGate(), new Dense(2, Activation.SOFTMAX)),
                Losses.categoricalCrossEntropy());
    }

    /** Copies of every parameter after each completed step, and the reason of every skip. */
    private static final class Recorder implements TrainingListener {
        final List<Map<String, Tensor>> afterStep = new ArrayList<>();
        final List<String> skipReasons = new ArrayList<>();

        @Override
        public void onBatchEnd(Trainer trainer, BatchResult batch) {
            afterStep.add(copy(trainer.parameters().all()));
        }

        @Override
        public void onStepSkipped(Trainer trainer, int epoch, int batch, String reason) {
            skipReasons.add(reason);
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> params) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        params.forEach((k, v) -> c.put(k, Tensor.of(v.floatData().clone(), v.dims())));
        return c;
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertTrue(v.contentEquals(actual.get(k)), "parameter '" + k + "' changed"));
    }

    private static void assertFinite(Map<String, Tensor> params) {
        params.forEach((k, v) -> {
            for (float f : v.floatData()) {
                assertTrue(Float.isFinite(f), "parameter '" + k + "' holds " + f);
            }
        });
    }

    /** Blobs with sample {@code bad} turned into NaN. */
    private static Dataset blobsWithNaN(int n, int bad) {
        Dataset d = Blobs.make(n, 4);
        float[] x = d.column("x").floatData().clone();
        x[bad * 3 + 1] = Float.NaN;
        return Dataset.of(Map.of("x", Tensor.of(x, n, 3), "label", d.column("label")));
    }

    @Test
    void aNonFiniteGradientStopsTrainingNamingThatParameterAndLeavesTheWeights() {
        Recorder rec = new Recorder();
        try (Trainer t = Trainer.builder(gated()).optimizer(Optimizer.sgd(0.1, 0)).batchSize(8).seed(3).listener(rec).build()) {
            Map<String, Tensor> before = copy(t.parameters().all());
            NonFiniteTrainingException e = assertThrows(NonFiniteTrainingException.class, () -> t.fit(Blobs.make(32, 1), null, 1));
            assertEquals("gate_0.scale_grad", e.tensor());
            assertEquals(0, e.step());
            assertTrue(e.getMessage().startsWith("training step 0: the gradient of parameter 'gate_0.scale' ('gate_0.scale_grad') has "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Inf at index [0] (element 0)") || e.getMessage().contains("NaN at index [0] (element 0)"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; non-finite gradients: [gate_0.scale]; weights and optimizer state are left as before the step"),
                    e.getMessage());
            assertSame(before, t.parameters().all());
            assertEquals(0, t.step());
            assertTrue(rec.afterStep.isEmpty());
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheLossAfterTheGoodSteps() {
        Recorder rec = new Recorder();
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).optimizer(Optimizer.adam(0.01)).batchSize(8).seed(5).listener(rec)
                .onNonFinite(NonFinitePolicy.STOP).build()) {
            NonFiniteTrainingException e = assertThrows(NonFiniteTrainingException.class, () -> t.fit(blobsWithNaN(64, 40), null, 1));
            assertEquals("loss", e.tensor());
            assertTrue(e.getMessage().startsWith("training step " + e.step() + ": the loss is non-finite: NaN (scalar)"),
                    e.getMessage());
            assertEquals(rec.afterStep.size(), e.step(), "every step before the bad batch completed");
            assertTrue(e.step() < 8);
            assertSame(rec.afterStep.get(rec.afterStep.size() - 1), t.parameters().all());
        }
    }

    @Test
    void skipStepDropsTheBadBatchEachEpochAndTrainsOnTheRest() {
        Recorder rec = new Recorder();
        Dataset train = blobsWithNaN(64, 40);
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).optimizer(Optimizer.adam(0.05)).batchSize(8).seed(5).listener(rec)
                .onNonFinite(NonFinitePolicy.SKIP_STEP).build()) {
            double before = t.evaluate(Blobs.make(64, 4)).loss();
            List<EpochResult> history = t.fit(train, null, 3);
            assertEquals(3, t.skippedSteps(), "one batch per epoch holds the NaN sample");
            assertEquals(3 * 8 - 3, t.step(), "skipped steps do not count as updates");
            assertEquals(3, rec.skipReasons.size());
            for (String reason : rec.skipReasons) {
                assertTrue(reason.contains(": the loss is non-finite: NaN"), reason);
            }
            assertFinite(t.parameters().all());
            history.forEach(h -> assertTrue(Double.isFinite(h.loss()), "epoch loss " + h.loss()));
            assertTrue(t.evaluate(Blobs.make(64, 4)).loss() < before, "training went on with the good batches");
        }
    }

    @Test
    void theSplitStepRefusesANonFiniteGradientAsFitDoes() {
        try (Trainer t = Trainer.builder(gated()).optimizer(Optimizer.adam(0.01)).batchSize(8).seed(3).build()) {
            Map<String, Tensor> before = copy(t.parameters().all());
            Dataset d = Blobs.make(8, 1);
            Trainer.StepGradients g = t.gradients(d.rows(List.of("x", "label"), identity(8), 0, 8));
            NonFiniteTrainingException e = assertThrows(NonFiniteTrainingException.class, () -> t.applyGradients(g.gradients()));
            assertEquals("gate_0.scale_grad", e.tensor());
            assertTrue(e.getMessage().contains("the gradient of parameter 'gate_0.scale'"), e.getMessage());
            assertSame(before, t.parameters().all());
            assertEquals(0, t.step());
        }
    }

    @Test
    void theSplitStepSkipsAnUpdateFromANaNGradientUnderSkipStep() {
        Recorder rec = new Recorder();
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).optimizer(Optimizer.adam(0.01)).batchSize(8).seed(5).listener(rec)
                .onNonFinite(NonFinitePolicy.SKIP_STEP).build()) {
            Dataset d = Blobs.make(8, 4);
            Trainer.StepGradients g = t.gradients(d.rows(List.of("x", "label"), identity(8), 0, 8));
            Map<String, Tensor> poisoned = new LinkedHashMap<>(g.gradients());
            String victim = poisoned.keySet().iterator().next();
            float[] bad = poisoned.get(victim).floatData().clone();
            bad[bad.length - 1] = Float.NaN;
            poisoned.put(victim, Tensor.of(bad, poisoned.get(victim).dims()));
            Map<String, Tensor> before = copy(t.parameters().all());
            assertFalse(t.applyGradients(poisoned));
            assertSame(before, t.parameters().all());
            assertEquals(0, t.step());
            assertEquals(1, t.skippedSteps());
            assertEquals(1, rec.skipReasons.size());
            assertTrue(rec.skipReasons.get(0).contains("'" + victim + "'"), rec.skipReasons.get(0));
            assertTrue(t.applyGradients(g.gradients()), "the finite gradients apply");
            assertEquals(1, t.step());
            assertFinite(t.parameters().all());
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
