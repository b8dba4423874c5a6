package dev.kiln.runtime.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Rng;
import java.util.Map;

/** A small seeded two-class data set in three dimensions for tests: two Gaussian blobs. */
final class Blobs {
    private Blobs() {
    }

    static Dataset make(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            double centre = labels[i] == 0 ? -1 : 1;
            for (int d = 0; d < 3; d++) {
                x[i * 3 + d] = (float) (centre * (d == 2 ? -0.5 : 1) + rng.nextGaussian() * 0.8);
            }
        }
        return Dataset.of(Map.of("x", Tensor.of(x, n, 3), "label", Dataset.oneHot(labels, 2)));
    }
}
