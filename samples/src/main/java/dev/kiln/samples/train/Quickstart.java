package dev.kiln.samples.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.layers.Rng;
import java.util.Map;

/**
 * The quickstart's built-in data set: points in three dimensions from two overlapping Gaussian clouds
 * (class 0 around (-1, -1, 0.5), class 1 around (1, 1, -0.5), standard deviation 0.9), drawn from a fixed
 * seed so every run sees the same 240 training and 120 test points. Stateless.
 */
public final class Quickstart {
    private Quickstart() {
    }

    public static Dataset train() {
        return make(240, 2024);
    }

    public static Dataset test() {
        return make(120, 2025);
    }

    static Dataset make(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 3];
        int[] y = new int[n];
        double[][] centres = {{-1, -1, 0.5}, {1, 1, -0.5}};
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int d = 0; d < 3; d++) {
                x[i * 3 + d] = (float) (centres[y[i]][d] + 0.9 * rng.nextGaussian());
            }
        }
        return Dataset.of(Map.of("x", Tensor.of(x, n, 3), "label", Dataset.oneHot(y, 2)));
    }
}
