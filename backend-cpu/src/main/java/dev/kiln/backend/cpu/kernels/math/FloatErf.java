package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.backend.cpu.util.FloatMath;

/**
 * erf for float32 blocks, built from short branch-free passes that HotSpot vectorizes (see
 * {@link dev.kiln.backend.cpu.util.FloatBlocks}). Below |x| = {@value #SPLIT} it is x P(x^2), the
 * Maclaurin series of erf(x)/x; above, 1 - e^(-x^2) R(|x|) with R = erfc(x) e^(x^2), smooth and slowly
 * varying, as a Chebyshev series on [{@value #SPLIT}, 4] evaluated by Clenshaw's recurrence. The two are
 * blended with a 0/1 weight made from min/max, and arguments are clamped so both stay finite everywhere;
 * beyond 4 the result rounds to ±1. Coefficients come once from the double-precision
 * {@link SpecialFunctions}. Within 3 ulp of the correctly rounded result.
 */
final class FloatErf {
    static final float SPLIT = 0.875f;
    static final float TOP = 4f;
    static final float MID = (SPLIT + TOP) / 2;
    static final float INV_HALF_WIDTH = 2 / (TOP - SPLIT);
    /** Maclaurin coefficients of erf(x)/x in powers of x^2 (also used by {@link SimdErf}; never written). */
    static final float[] SERIES = maclaurin(11);
    /** Chebyshev coefficients of erfc(x) e^(x^2) on [SPLIT, TOP] (also used by {@link SimdErf}; never written). */
    static final float[] CHEB = chebyshev(14);

    private FloatErf() {
    }

    /**
     * {@code y[i] = erf(scale * x[i])} for i in {@code [0, n)}, using four of the scratch arrays. The
     * scale folds a factor into the argument without another pass.
     */
    static void erf(float[] x, float scale, float[] y, float[][] scratch, int n) {
        float[] t = scratch[0];
        float[] c = scratch[1];
        float[] p = scratch[2];
        float[] b = scratch[3];
        for (int i = 0; i < n; i++) {
            t[i] = x[i] * scale;
        }
        for (int i = 0; i < n; i++) {
            y[i] = -Math.min(t[i] * t[i], TOP * TOP);
        }
        FloatMath.exp(y, y, c, n);
        // small arguments: c P(c^2) with c clamped to the series' range
        float top = SERIES[SERIES.length - 1];
        for (int i = 0; i < n; i++) {
            c[i] = Math.min(Math.max(t[i], -SPLIT), SPLIT);
            p[i] = top;
        }
        for (int j = SERIES.length - 2; j >= 0; j--) {
            float s = SERIES[j];
            for (int i = 0; i < n; i++) {
                p[i] = p[i] * (c[i] * c[i]) + s;
            }
        }
        for (int i = 0; i < n; i++) {
            p[i] *= c[i];
        }
        // large arguments: Clenshaw's recurrence b_j = 2u b_{j+1} - b_{j+2} + c_j, kept in (b, c) = (b_{j+2}, b_{j+1})
        float[] u = scratch[1];
        float last = CHEB[CHEB.length - 1];
        for (int i = 0; i < n; i++) {
            u[i] = (Math.min(Math.max(Math.abs(t[i]), SPLIT), TOP) - MID) * INV_HALF_WIDTH;
            b[i] = 0f;
        }
        float[] next = scratch[4];
        for (int i = 0; i < n; i++) {
            next[i] = last;
        }
        for (int j = CHEB.length - 2; j >= 1; j--) {
            float coefficient = CHEB[j];
            for (int i = 0; i < n; i++) {
                float v = 2f * u[i] * next[i] - b[i] + coefficient;
                b[i] = next[i];
                next[i] = v;
            }
        }
        float c0 = CHEB[0];
        for (int i = 0; i < n; i++) {
            float r = u[i] * next[i] - b[i] + c0;
            // the sign of t as ±1 (0 at ±0) without a branch; where it is fractional the weight below is 0
            float sign = Math.min(Math.max(t[i] * 0x1p100f, -1f), 1f);
            b[i] = sign * (1f - y[i] * r);
        }
        for (int i = 0; i < n; i++) {
            float w = Math.min(Math.max((Math.abs(t[i]) - SPLIT) * 0x1p60f, 0f), 1f);
            y[i] = w * b[i] + (1f - w) * p[i];
        }
    }

    private static float[] maclaurin(int terms) {
        // erf(x)/x = 2/sqrt(pi) sum_n (-1)^n x^(2n) / (n! (2n+1))
        float[] s = new float[terms];
        double factorial = 1;
        for (int n = 0; n < terms; n++) {
            factorial *= Math.max(n, 1);
            s[n] = (float) (1.1283791670955126 * ((n & 1) == 0 ? 1 : -1) / (factorial * (2 * n + 1)));
        }
        return s;
    }

    private static float[] chebyshev(int count) {
        double[] f = new double[count];
        for (int j = 0; j < count; j++) {
            double x = MID + Math.cos(Math.PI * (j + 0.5) / count) / INV_HALF_WIDTH;
            f[j] = SpecialFunctions.erfc(x) * Math.exp(x * x);
        }
        float[] c = new float[count];
        for (int m = 0; m < count; m++) {
            double sum = 0;
            for (int j = 0; j < count; j++) {
                sum += f[j] * Math.cos(Math.PI * m * (j + 0.5) / count);
            }
            c[m] = (float) ((m == 0 ? 1.0 : 2.0) * sum / count);
        }
        return c;
    }
}
