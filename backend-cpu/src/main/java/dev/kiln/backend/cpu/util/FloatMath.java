package dev.kiln.backend.cpu.util;

/**
 * Fast float32 exponentials over arrays, written so that HotSpot's auto-vectorizer (C2 SuperWord,
 * JDK 17 and later) turns each pass into SIMD code. {@link Math#exp} is a scalar call per element, about
 * ten times slower.
 *
 * <p>Method: clamp, split {@code x = k ln2 + r} with |r| <= ln2/2 (k found by the 1.5*2^23 rounding
 * trick, ln2 split in two so r is exact), a degree-7 Taylor polynomial for {@code e^r - 1} (error below
 * 2e-8 relative), then scale by 2^k built from exponent bits as two factors so that results from
 * subnormal to overflow come out right. Maximum error about 1 ulp for exp and 2 ulp for expm1; NaN
 * propagates, large arguments overflow to infinity, very negative ones go to 0 (exp) or -1 (expm1).
 *
 * <p>Vectorization needs every array indexed from 0 by the same loop index, so callers pass zero-based
 * blocks (see {@link ElementCodec#BLOCK}) and a scratch array for the exponents. Stateless and thread-safe.
 */
public final class FloatMath {
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding then subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUNDER = 12582912f;
    /** Below this, e^x is below half the smallest subnormal float. */
    private static final float MIN_ARG = -104f;
    /** Above this, e^x overflows float; clamping here still overflows, as it must. */
    private static final float MAX_ARG = 89f;

    private FloatMath() {
    }

    /**
     * {@code y[i] = e^x[i]} for i in {@code [0, n)}. {@code y} may be {@code x}; {@code k} is scratch of
     * length at least n and must be a different array.
     */
    public static void exp(float[] x, float[] y, float[] k, int n) {
        reduce(x, y, k, n);
        for (int i = 0; i < n; i++) {
            int e = (int) k[i];
            int half = e >> 1;
            y[i] = (y[i] + 1f) * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((e - half + 127) << 23);
        }
    }

    /** {@code y[i] = e^x[i] - 1}, accurate near 0, for i in {@code [0, n)}; arrays as for {@link #exp}. */
    public static void expm1(float[] x, float[] y, float[] k, int n) {
        reduce(x, y, k, n);
        for (int i = 0; i < n; i++) {
            int e = (int) k[i];
            int half = e >> 1;
            float s1 = Float.intBitsToFloat((half + 127) << 23);
            float s2 = Float.intBitsToFloat((e - half + 127) << 23);
            // 2^k p + 2^k - 1 = s1 (s2 p + s2 - 1/s1): exact near 0 and free of inf - inf at the top of the range
            y[i] = s1 * (s2 * y[i] + (s2 - Float.intBitsToFloat((127 - half) << 23)));
        }
    }

    /** Writes {@code e^r - 1} to y and the integer k (as a float) to k, where x = k ln2 + r. */
    private static void reduce(float[] x, float[] y, float[] k, int n) {
        for (int i = 0; i < n; i++) {
            float c = Math.min(Math.max(x[i], MIN_ARG), MAX_ARG);
            float kf = expExponent(c);
            y[i] = expReducedMinus1(c, kf);
            k[i] = kf;
        }
    }

    /**
     * The step of {@link #exp} that picks k for {@code x = k ln2 + r}: the integer nearest {@code x log2(e)},
     * as a float, for |x| up to 89. For kernels that fuse an exponential into a loop of their own (called
     * from a loop, it is inlined and vectorized like the loop around it).
     */
    public static float expExponent(float x) {
        return (x * LOG2E + ROUNDER) - ROUNDER;
    }

    /** {@code e^r - 1} where {@code r = x - k ln2}, k from {@link #expExponent}: so e^x = (1 + this) 2^k. */
    public static float expReducedMinus1(float x, float k) {
        float r = x - k * LN2_HI - k * LN2_LO;
        float p = 1f / 5040;
        p = p * r + 1f / 720;
        p = p * r + 1f / 120;
        p = p * r + 1f / 24;
        p = p * r + 1f / 6;
        p = p * r + 0.5f;
        return p * r * r + r;
    }
}
