package dev.kiln.testing;

import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Random;

/** Seeded random float32 tensors for tests. */
public final class RandomTensors {
    private RandomTensors() {
    }

    /** Elements uniform in [lo, hi), drawn from {@code random} in row-major order. */
    public static Tensor uniform(Random random, float lo, float hi, long... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + random.nextFloat() * (hi - lo);
        }
        return Tensor.of(v, dims);
    }
}
