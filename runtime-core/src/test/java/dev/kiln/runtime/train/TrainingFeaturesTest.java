package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Sequential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Freezing, clipping, schedules, several heads, early stopping and the progress output. */
class TrainingFeaturesTest {
    private static Network linear() {
        return Network.builder().input("x", 3).body(new Dense(1, Activation.LINEAR))
                .head("output", Sequential.of(), Losses.meanSquaredError(), 1.0, "label").build();
    }

    private static Dataset regression() {
        float[] x = {1, 2, 3};
        float[] y = {100};
        return Dataset.of(Map.of("x", Tensor.of(x, 1, 3), "label", Tensor.of(y, 1, 1)));
    }

    @Test
    void frozenParametersDoNotMove() {
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).freeze("dense_0.*").optimizer(Optimizer.sgd(0.1, 0)).seed(1).build()) {
            float[] before = t.parameters().get("dense_0.weight").floatData().clone();
            float[] head = t.parameters().get("dense_1.weight").floatData().clone();
            t.fit(Blobs.make(32, 1), null, 2);
            assertEquals(List.of("dense_1.weight", "dense_1.bias"), t.trainable());
            assertArrayEquals(before, t.parameters().get("dense_0.weight").floatData());
            assertFalse(java.util.Arrays.equals(head, t.parameters().get("dense_1.weight").floatData()));
        }
    }

    @Test
    void clippingBoundsTheStepToRateTimesNorm() {
        // one SGD step with a huge loss: the update has norm lr * clip exactly
        try (Trainer t = Trainer.builder(linear()).optimizer(Optimizer.sgd(0.5, 0)).clipGradientNorm(2.0).batchSize(1).seed(1).build()) {
            float[] w0 = t.parameters().get("dense_0.weight").floatData().clone();
            float b0 = t.parameters().get("dense_0.bias").floatData()[0];
            t.fit(regression(), null, 1);
            float[] w1 = t.parameters().get("dense_0.weight").floatData();
            double sq = Math.pow(t.parameters().get("dense_0.bias").floatData()[0] - b0, 2);
            for (int i = 0; i < 3; i++) {
                sq += Math.pow(w1[i] - w0[i], 2);
            }
            assertEquals(0.5 * 2.0, Math.sqrt(sq), 1e-5);
        }
    }

    @Test
    void schedules() {
        assertEquals(0.1, LearningRateSchedule.step(10, 0.5).rate(9, 0.1), 1e-12);
        assertEquals(0.05, LearningRateSchedule.step(10, 0.5).rate(10, 0.1), 1e-12);
        assertEquals(1.0, LearningRateSchedule.cosine(100, 0.0).rate(0, 1.0), 1e-12);
        assertEquals(0.5, LearningRateSchedule.cosine(100, 0.0).rate(50, 1.0), 1e-12);
        assertEquals(0.1, LearningRateSchedule.cosine(100, 0.1).rate(500, 1.0), 1e-12);
        LearningRateSchedule w = LearningRateSchedule.warmupLinearDecay(4, 14);
        assertEquals(0.25, w.rate(0, 1.0), 1e-12);
        assertEquals(1.0, w.rate(3, 1.0), 1e-12);
        assertEquals(1.0, w.rate(4, 1.0), 1e-12);
        assertEquals(0.5, w.rate(9, 1.0), 1e-12);
        assertEquals(0.0, w.rate(14, 1.0), 1e-12);
    }

    @Test
    void weightedHeadsSumTheirLosses() {
        Network two = Network.builder().input("x", 3).body(new Dense(4, Activation.TANH))
                .head("a", new Dense(2, Activation.SOFTMAX), Losses.categoricalCrossEntropy(), 1.0, "label")
                .head("b", new Dense(1, Activation.LINEAR), Losses.meanSquaredError(), 0.25, "target").build();
        Dataset blobs = Blobs.make(20, 3);
        float[] target = new float[20];
        for (int i = 0; i < 20; i++) {
            target[i] = blobs.column("x").floatData()[i * 3];
        }
        Dataset data = Dataset.of(Map.of("x", blobs.column("x"), "label", blobs.column("label"), "target", Tensor.of(target, 20, 1)));
        try (Trainer t = Trainer.builder(two).seed(2).batchSize(20).build()) {
            Map<String, Tensor> p = t.predict(data.column("x"));
            double ce = 0;
            double mse = 0;
            float[] a = p.get("a").floatData();
            float[] b = p.get("b").floatData();
            float[] y = data.column("label").floatData();
            for (int i = 0; i < 20; i++) {
                ce -= Math.log(Math.max(1e-7, y[i * 2] == 1 ? a[i * 2] : a[i * 2 + 1]));
                mse += (b[i] - target[i]) * (b[i] - target[i]);
            }
            Evaluation e = t.evaluate(data);
            assertEquals(ce / 20 + 0.25 * mse / 20, e.loss(), 1e-5);
            assertEquals(Map.of("a", e.accuracy().get("a")), e.accuracy());
            t.fit(data, null, 5);
            assertTrue(t.evaluate(data).loss() < e.loss());
        }
    }

    @Test
    void earlyStoppingEndsAStalledRun() {
        EarlyStopping stop = new EarlyStopping(2, 1e9);
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).listener(stop).seed(1).build()) {
            List<EpochResult> h = t.fit(Blobs.make(32, 1), Blobs.make(16, 2), 50);
            assertEquals(3, h.size());
            assertEquals(3, stop.stoppedAt());
            assertTrue(h.get(0).validation() != null);
        }
    }

    @Test
    void aTerminalGetsTheBarRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).listener(new ProgressBar(out, true)).batchSize(8).seed(1).build()) {
            t.fit(Blobs.make(32, 1), null, 1);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\repoch 1/1 [" + "=".repeat(24) + "] 4/4 loss "), text);
        assertTrue(text.contains("samples/s"), text);
    }

    @Test
    void plainProgressLinesWhenNotATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).listener(new ProgressBar(out, false)).seed(1).build()) {
            t.fit(Blobs.make(32, 1), null, 2);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].matches("epoch 2/2 loss \\d\\.\\d{4} acc \\d\\.\\d{4} \\d+\\.\\ds \\d+ samples/s"), lines[1]);
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }
}
