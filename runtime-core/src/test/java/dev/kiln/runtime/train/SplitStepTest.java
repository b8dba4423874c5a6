package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Rng;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Trainer#gradients} then {@link Trainer#applyGradients} is the step {@link Trainer#fit} runs. */
class SplitStepTest {
    private static final List<String> COLUMNS = List.of("x", "label");

    @Test
    void splitStepsMatchFit() {
        Dataset train = Blobs.make(96, 4);
        int batch = 16;
        try (Trainer fused = trainer(batch); Trainer split = trainer(batch)) {
            fused.fit(train, null, 1);
            int[] order = identity(train.size());
            new Rng(11).shuffle(order);
            for (int from = 0; from < train.size(); from += batch) {
                Trainer.StepGradients g = split.gradients(train.rows(COLUMNS, order, from, from + batch));
                assertEquals(3 * 4 + 4 + 4 * 2 + 2, g.gradients().values().stream().mapToLong(Tensor::elementCount).sum());
                split.applyGradients(g.gradients());
            }
            assertEquals(fused.step(), split.step());
            for (String p : fused.trainable()) {
                assertClose(fused.parameters().get(p).floatData(), split.parameters().get(p).floatData(), 1e-6, p);
            }
        }
    }

    @Test
    void averagedHalfBatchGradientsEqualTheWholeBatchGradient() {
        Dataset train = Blobs.make(32, 5);
        int[] order = identity(32);
        try (Trainer t = trainer(32)) {
            Map<String, Tensor> whole = t.gradients(train.rows(COLUMNS, order, 0, 32)).gradients();
            Map<String, Tensor> a = t.gradients(train.rows(COLUMNS, order, 0, 16)).gradients();
            Map<String, Tensor> b = t.gradients(train.rows(COLUMNS, order, 16, 32)).gradients();
            for (String p : whole.keySet()) {
                float[] x = a.get(p).floatData();
                float[] y = b.get(p).floatData();
                float[] mean = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    mean[i] = (x[i] + y[i]) / 2;
                }
                assertClose(whole.get(p).floatData(), mean, 1e-5, p);
            }
        }
    }

    @Test
    void applyGradientsNamesMissingParameters() {
        try (Trainer t = trainer(8)) {
            Map<String, Tensor> partial = new HashMap<>(t.gradients(Blobs.make(8, 1).rows(COLUMNS, identity(8), 0, 8)).gradients());
            partial.remove("dense_0.weight");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.applyGradients(partial));
            assertEquals(true, e.getMessage().contains("dense_0.weight"), e.getMessage());
        }
    }

    private static Trainer trainer(int batch) {
        return Trainer.builder(TrainerTest.quickstartNetwork()).optimizer(Optimizer.adam(0.05)).batchSize(batch).seed(11).build();
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
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
