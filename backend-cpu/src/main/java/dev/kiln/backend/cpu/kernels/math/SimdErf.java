package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.simd.SimdShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 erf with explicit SIMD: the formula, coefficients and accuracy of {@link FloatErf} (series below
 * |x| = {@value FloatErf#SPLIT}, Chebyshev form of erfc(x) e^(x^2) above, blended branch-free; within 3 ulp),
 * evaluated in registers in two passes per block instead of FloatErf's ~30 (one pass would be too large
 * a method for C2 to inline every vector operation into, and the vectors would be boxed), with
 * {@link SimdMath#exp} for e^(-x^2). Refers to {@code jdk.incubator.vector}: reach this class only after
 * {@link dev.kiln.backend.cpu.simd.Simd#enabled()} returned true. Stateless and thread-safe.
 */
final class SimdErf {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int LANES = F.length();
    /** Elements per block: the two passes (exponential and series, then the Chebyshev form) meet in L1. */
    private static final int BLOCK = 1024;
    // the coefficients as constants, the recurrences written out: vectors carried around a loop are boxed by C2
    private static final float S0 = FloatErf.SERIES[0];
    private static final float S1 = FloatErf.SERIES[1];
    private static final float S2 = FloatErf.SERIES[2];
    private static final float S3 = FloatErf.SERIES[3];
    private static final float S4 = FloatErf.SERIES[4];
    private static final float S5 = FloatErf.SERIES[5];
    private static final float S6 = FloatErf.SERIES[6];
    private static final float S7 = FloatErf.SERIES[7];
    private static final float S8 = FloatErf.SERIES[8];
    private static final float S9 = FloatErf.SERIES[9];
    private static final float S10 = FloatErf.SERIES[10];
    private static final float C0 = FloatErf.CHEB[0];
    private static final float C1 = FloatErf.CHEB[1];
    private static final float C2 = FloatErf.CHEB[2];
    private static final float C3 = FloatErf.CHEB[3];
    private static final float C4 = FloatErf.CHEB[4];
    private static final float C5 = FloatErf.CHEB[5];
    private static final float C6 = FloatErf.CHEB[6];
    private static final float C7 = FloatErf.CHEB[7];
    private static final float C8 = FloatErf.CHEB[8];
    private static final float C9 = FloatErf.CHEB[9];
    private static final float C10 = FloatErf.CHEB[10];
    private static final float C11 = FloatErf.CHEB[11];
    private static final float C12 = FloatErf.CHEB[12];
    private static final float C13 = FloatErf.CHEB[13];

    private SimdErf() {
    }

    /** {@code y[off + i] = erf(x[off + i])} for i in {@code [0, n)}; y may be x. */
    static void erf(float[] x, float[] y, int off, int n) {
        float[] e = new float[BLOCK];
        float[] p = new float[BLOCK];
        for (int s = 0; s < n; s += BLOCK) {
            int len = Math.min(BLOCK, n - s);
            float[] src = x;
            float[] dst = y;
            int at = off + s;
            int whole = len;
            if (len % LANES != 0) {
                // the last partial vector goes through a zero-padded copy, so the passes have one call site each
                src = new float[BLOCK];
                System.arraycopy(x, at, src, 0, len);
                dst = src;
                at = 0;
                whole = (len + LANES - 1) / LANES * LANES;
            }
            smallPass(src, at, e, p, whole);
            largePass(src, at, dst, e, p, whole);
            if (dst != y) {
                System.arraycopy(dst, 0, y, off + s, len);
            }
        }
    }

    // The passes take arrays, never vectors: where C2's inlining budget stops short of inlining one, the call
    // passes no vector to box.
    private static void smallPass(float[] x, int at, float[] e, float[] p, int n) {
        for (int i = 0; i < n; i += LANES) {
            small(FloatVector.fromArray(F, x, at + i), e, p, i);
        }
    }

    private static void largePass(float[] x, int at, float[] y, float[] e, float[] p, int n) {
        for (int i = 0; i < n; i += LANES) {
            large(FloatVector.fromArray(F, x, at + i), e, p, i).intoArray(y, at + i);
        }
    }

    /** e^(-t^2) (argument clamped) into {@code e}, the series for small arguments into {@code p}, at {@code at}. */
    private static void small(FloatVector t, float[] e, float[] p, int at) {
        SimdMath.exp(t.mul(t).min(FloatErf.TOP * FloatErf.TOP).neg()).intoArray(e, at);
        series(t).intoArray(p, at);
    }

    private static FloatVector series(FloatVector t) {
        // small arguments: c P(c^2) with c clamped to the series' range
        FloatVector c = t.max(-FloatErf.SPLIT).min(FloatErf.SPLIT);
        FloatVector c2 = c.mul(c);
        FloatVector p = c2.fma(S10, S9);
        p = p.fma(c2, FloatVector.broadcast(F, S8));
        p = p.fma(c2, FloatVector.broadcast(F, S7));
        p = p.fma(c2, FloatVector.broadcast(F, S6));
        p = p.fma(c2, FloatVector.broadcast(F, S5));
        p = p.fma(c2, FloatVector.broadcast(F, S4));
        p = p.fma(c2, FloatVector.broadcast(F, S3));
        p = p.fma(c2, FloatVector.broadcast(F, S2));
        p = p.fma(c2, FloatVector.broadcast(F, S1));
        p = p.fma(c2, FloatVector.broadcast(F, S0));
        return p.mul(c);
    }

    /** erf from the large-argument form and the stored e^(-t^2) and series, blended. */
    private static FloatVector large(FloatVector t, float[] e, float[] p, int at) {
        FloatVector a = t.abs();
        // large arguments: 1 - e^(-t^2) R(|t|), R in Chebyshev form on u in [-1, 1]
        FloatVector u = a.max(FloatErf.SPLIT).min(FloatErf.TOP).sub(FloatErf.MID).mul(FloatErf.INV_HALF_WIDTH);
        FloatVector r = clenshaw(u);
        // the sign of t as ±1 (0 at ±0, NaN for NaN); where it is fractional the weight below is 0
        FloatVector sign = t.mul(0x1p100f).max(-1f).min(1f);
        FloatVector large = sign.mul(FloatVector.fromArray(F, e, at).mul(r).neg().add(1f));
        FloatVector w = a.sub(FloatErf.SPLIT).mul(0x1p60f).max(0f).min(1f);
        return w.mul(large).add(w.neg().add(1f).mul(FloatVector.fromArray(F, p, at)));
    }

    /** erfc(x) e^(x^2) on u in [-1, 1]: Clenshaw's recurrence b_j = 2u b_(j+1) - b_(j+2) + c_j, written out. */
    private static FloatVector clenshaw(FloatVector u) {
        FloatVector u2 = u.add(u);
        FloatVector b13 = FloatVector.broadcast(F, C13);
        FloatVector b12 = u2.mul(b13).add(C12);
        FloatVector b11 = u2.mul(b12).sub(b13).add(C11);
        FloatVector b10 = u2.mul(b11).sub(b12).add(C10);
        FloatVector b9 = u2.mul(b10).sub(b11).add(C9);
        FloatVector b8 = u2.mul(b9).sub(b10).add(C8);
        FloatVector b7 = u2.mul(b8).sub(b9).add(C7);
        FloatVector b6 = u2.mul(b7).sub(b8).add(C6);
        FloatVector b5 = u2.mul(b6).sub(b7).add(C5);
        FloatVector b4 = u2.mul(b5).sub(b6).add(C4);
        FloatVector b3 = u2.mul(b4).sub(b5).add(C3);
        FloatVector b2 = u2.mul(b3).sub(b4).add(C2);
        FloatVector b1 = u2.mul(b2).sub(b3).add(C1);
        return u.mul(b1).sub(b2).add(C0);
    }
}
