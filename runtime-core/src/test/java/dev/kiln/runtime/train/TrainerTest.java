package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static Network quickstartNetwork() {
        return Network.of("x", new long[] {3},
                Sequential.of(new Dense(4, Activation.RELU), new Dense(2, Activation.SOFTMAX)), Losses.categoricalCrossEntropy());
    }

    @Test
    void adamLearnsTwoBlobs() {
        Dataset train = Blobs.make(400, 1);
        Dataset test = Blobs.make(200, 2);
        try (Trainer t = Trainer.builder(quickstartNetwork()).optimizer(Optimizer.adam(0.05)).batchSize(16).seed(7).build()) {
            double before = t.evaluate(test).loss();
            List<EpochResult> h = t.fit(train, null, 10);
            assertEquals(10, h.size());
            Evaluation e = t.evaluate(test);
            assertTrue(e.loss() < before * 0.6, "loss " + before + " -> " + e.loss());
            assertTrue(e.firstAccuracy() > 0.9, "accuracy " + e.firstAccuracy());
            assertEquals(10 * 25, t.step());
            float[] whole = t.predict(test.column("x")).get("output").floatData();
            float[] batched = t.predict(test).get("output").floatData();
            assertEquals(200 * 2, batched.length);
            for (int i = 0; i < whole.length; i++) {
                assertEquals(whole[i], batched[i], 1e-6);
            }
        }
    }

    @Test
    void sameSeedSameWeights() {
        Dataset train = Blobs.make(64, 3);
        float[] a = trainedWeights(train, 5);
        float[] b = trainedWeights(train, 5);
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, trainedWeights(train, 6)));
    }

    private static float[] trainedWeights(Dataset train, long seed) {
        try (Trainer t = Trainer.builder(quickstartNetwork()).optimizer(Optimizer.sgd(0.1, 0)).batchSize(8).seed(seed).build()) {
            t.fit(train, null, 2);
            Tensor w = t.parameters().get("dense_0.weight");
            return w.floatData().clone();
        }
    }
}
