package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.simd.SimdShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 erf with explicit SIMD: the formula, coefficients and accuracy of {@link FloatErf} (series below
 * |x| = {@value FloatErf#SPLIT}, Chebyshev form of erfc(x) e^(x^2) above, blended branch-free; within 3 ulp),
 * evaluated in registers in one pass instead of FloatErf's ~30 passes over scratch arrays, with
 * {@link SimdMath#exp} for e^(-x^2). Refers to {@code jdk.incubator.vector}: reach this class only after
 * {@link dev.kiln.backend.cpu.simd.Simd#enabled()} returned true. Stateless and thread-safe.
 */
final class SimdErf {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int LANES = F.length();

    private SimdErf() {
    }

    /** {@code y[off + i] = erf(x[off + i])} for i in {@code [0, n)}; y may be x. */
    static void erf(float[] x, float[] y, int off, int n) {
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            erf(FloatVector.fromArray(F, x, off + i)).intoArray(y, off + i);
        }
        if (i < n) {
            float[] tail = new float[LANES];
            System.arraycopy(x, off + i, tail, 0, n - i);
            erf(FloatVector.fromArray(F, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, y, off + i, n - i);
        }
    }

    private static FloatVector erf(FloatVector t) {
        float[] series = FloatErf.SERIES;
        float[] cheb = FloatErf.CHEB;
        FloatVector a = t.abs();
        FloatVector e = SimdMath.exp(t.mul(t).min(FloatErf.TOP * FloatErf.TOP).neg());
        // small arguments: c P(c^2) with c clamped to the series' range
        FloatVector c = t.max(-FloatErf.SPLIT).min(FloatErf.SPLIT);
        FloatVector c2 = c.mul(c);
        FloatVector p = FloatVector.broadcast(F, series[series.length - 1]);
        for (int j = series.length - 2; j >= 0; j--) {
            p = p.fma(c2, FloatVector.broadcast(F, series[j]));
        }
        p = p.mul(c);
        // large arguments: Clenshaw's recurrence on u in [-1, 1]
        FloatVector u = a.max(FloatErf.SPLIT).min(FloatErf.TOP).sub(FloatErf.MID).mul(FloatErf.INV_HALF_WIDTH);
        FloatVector u2 = u.add(u);
        FloatVector b = FloatVector.zero(F);
        FloatVector next = FloatVector.broadcast(F, cheb[cheb.length - 1]);
        for (int j = cheb.length - 2; j >= 1; j--) {
            FloatVector v = u2.mul(next).sub(b).add(cheb[j]);
            b = next;
            next = v;
        }
        FloatVector r = u.mul(next).sub(b).add(cheb[0]);
        // the sign of t as ±1 (0 at ±0, NaN for NaN); where it is fractional the weight below is 0
        FloatVector sign = t.mul(0x1p100f).max(-1f).min(1f);
        FloatVector large = sign.mul(e.mul(r).neg().add(1f));
        FloatVector w = a.sub(FloatErf.SPLIT).mul(0x1p60f).max(0f).min(1f);
        return w.mul(large).add(w.neg().add(1f).mul(p));
    }
}
