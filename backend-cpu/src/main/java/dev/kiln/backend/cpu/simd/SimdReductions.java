package dev.kiln.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 row sums with explicit SIMD (the Vector API), for reductions over a contiguous run (softmax backward's
 * sum along the last axis, layer-norm statistics). Four vector accumulators (4 x lanes partial sums, so each float
 * partial adds at most n / 64 values with 16 lanes) are combined in double at the end; plain-Java float sums are
 * not vectorized by C2 because they would change the order of additions. Refers to {@code jdk.incubator.vector}:
 * call only after {@link Simd#enabled()}. Stateless and thread-safe.
 */
public final class SimdReductions {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();

    private SimdReductions() {
    }

    /** The sum of {@code a[off, off + n)}, or of their squares when {@code square}. */
    public static double sum(float[] a, int off, int n, boolean square) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        if (square) {
            for (int end = n - 4 * L; i <= end; i += 4 * L) {
                FloatVector x0 = FloatVector.fromArray(F, a, off + i);
                FloatVector x1 = FloatVector.fromArray(F, a, off + i + L);
                FloatVector x2 = FloatVector.fromArray(F, a, off + i + 2 * L);
                FloatVector x3 = FloatVector.fromArray(F, a, off + i + 3 * L);
                s0 = x0.fma(x0, s0);
                s1 = x1.fma(x1, s1);
                s2 = x2.fma(x2, s2);
                s3 = x3.fma(x3, s3);
            }
            for (int end = n - L; i <= end; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, off + i);
                s0 = x.fma(x, s0);
            }
        } else {
            for (int end = n - 4 * L; i <= end; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(F, a, off + i));
                s1 = s1.add(FloatVector.fromArray(F, a, off + i + L));
                s2 = s2.add(FloatVector.fromArray(F, a, off + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, a, off + i + 3 * L));
            }
            for (int end = n - L; i <= end; i += L) {
                s0 = s0.add(FloatVector.fromArray(F, a, off + i));
            }
        }
        double total = (double) s0.add(s1).reduceLanes(VectorOperators.ADD) + s2.add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            double x = a[off + i];
            total += square ? x * x : x;
        }
        return total;
    }
}
