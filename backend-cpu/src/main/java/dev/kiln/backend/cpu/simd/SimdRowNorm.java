package dev.kiln.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row of a float32 layer normalization, optionally after a residual add, on the Vector API: the SIMD form
 * of the CPU backend's plain row loop (kernels/nn FloatRowNorm), with the same arithmetic: the mean and the
 * squared deviations from it (two sweeps, so no cancellation) add in float lanes within blocks of
 * {@value #BLOCK} elements whose totals accumulate in float64, then {@code y = (v - mean) * invStd * scale + bias}.
 * Works on the arrays at their offsets (no scratch copies). Call only after {@link Simd#enabled()}. Stateless.
 */
public final class SimdRowNorm {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();
    /** Elements summed in float lanes before the partial total moves to float64. */
    private static final int BLOCK = 256;

    private SimdRowNorm() {
    }

    /**
     * Normalizes the row {@code v = x[xOff..] + skip[kOff..]} ({@code skip} may be null: v = x) of {@code size}
     * elements into {@code y[yOff..]}, with {@code size} shared scale and bias values ({@code bias} may be null).
     * When {@code sum} is not null, v is also stored at {@code sum[sOff..]}. y may be x or skip (same offsets).
     * Returns the mean; the inverse standard deviation goes to {@code invStdOut[0]} when that is not null.
     */
    public static double normalize(float[] x, int xOff, float[] skip, int kOff, float[] sum, int sOff,
                                   float[] y, int yOff, int size, float[] scale, float[] bias, double epsilon,
                                   double[] invStdOut) {
        double mean = sumInto(x, xOff, skip, kOff, sum, sOff, y, yOff, size) / size;
        float mf = (float) mean;
        double inv = 1.0 / Math.sqrt(squaredDeviations(y, yOff, size, mf) / size + epsilon);
        if (invStdOut != null) {
            invStdOut[0] = inv;
        }
        affine(y, yOff, size, mf, (float) inv, scale, bias);
        return mean;
    }

    /** Stores v (x, or x + skip) into y (and sum) and returns the blocked total of v. */
    private static double sumInto(float[] x, int xOff, float[] skip, int kOff, float[] sum, int sOff,
                                  float[] y, int yOff, int size) {
        double total = 0;
        int bound = F.loopBound(size);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            if (skip != null) {
                v = v.add(FloatVector.fromArray(F, skip, kOff + i));
            }
            v.intoArray(y, yOff + i);
            if (sum != null) {
                v.intoArray(sum, sOff + i);
            }
            acc = acc.add(v);
            if ((i + L) % BLOCK == 0) {
                total += acc.reduceLanes(VectorOperators.ADD);
                acc = FloatVector.zero(F);
            }
        }
        total += acc.reduceLanes(VectorOperators.ADD);
        float tail = 0;
        for (int i = bound; i < size; i++) {
            float v = skip == null ? x[xOff + i] : x[xOff + i] + skip[kOff + i];
            y[yOff + i] = v;
            if (sum != null) {
                sum[sOff + i] = v;
            }
            tail += v;
        }
        return total + tail;
    }

    private static double squaredDeviations(float[] y, int yOff, int size, float mean) {
        double total = 0;
        int bound = F.loopBound(size);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(F, y, yOff + i).sub(mean);
            acc = d.fma(d, acc);
            if ((i + L) % BLOCK == 0) {
                total += acc.reduceLanes(VectorOperators.ADD);
                acc = FloatVector.zero(F);
            }
        }
        total += acc.reduceLanes(VectorOperators.ADD);
        float tail = 0;
        for (int i = bound; i < size; i++) {
            float d = y[yOff + i] - mean;
            tail += d * d;
        }
        return total + tail;
    }

    private static void affine(float[] y, int yOff, int size, float mean, float inv, float[] scale, float[] bias) {
        int bound = F.loopBound(size);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i).sub(mean).mul(inv).mul(FloatVector.fromArray(F, scale, i));
            if (bias != null) {
                v = v.add(FloatVector.fromArray(F, bias, i));
            }
            v.intoArray(y, yOff + i);
        }
        for (int i = bound; i < size; i++) {
            float v = (y[yOff + i] - mean) * inv * scale[i];
            y[yOff + i] = bias == null ? v : v + bias[i];
        }
    }
}
