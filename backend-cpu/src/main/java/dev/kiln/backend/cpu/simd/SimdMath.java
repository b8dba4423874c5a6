package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.util.GeluFit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 exponential, row reductions and exact GELU with explicit SIMD (the Vector API), for the
 * kernels that spend their time in exp: softmax, attention, GELU. Refers to {@code jdk.incubator.vector}:
 * call only after {@link Simd#enabled()} (see its class comment).
 *
 * <p>exp method: clamp x to [-104, 89], k = round(x log2 e) by adding 1.5 * 2^23 (whose float bits then
 * hold k in the low mantissa bits, so k as an int is one integer subtraction on the reinterpreted lanes:
 * no float-to-int conversion), r = x - k ln2 with ln2 in two parts (r exact, |r| <= ln2/2), a degree-7
 * Taylor polynomial for e^r - 1 (truncation below 2e-8 relative), and 2^k built from exponent bits as two
 * factors, so that subnormal results and overflow to infinity come out right. Measured maximum relative
 * error against {@link Math#exp} over normal results: 8.8e-8, under one ulp (SimdMathTest scans every
 * 97th float of [-110, 110]); subnormal
 * results are within one unit of the smallest subnormal; below -104 the result is 0, above 88.73 it is
 * infinity, NaN gives NaN.
 *
 * <p>Arrays are processed in place or from one array into another, from an offset; lengths need not be a
 * multiple of the lane count (the tail runs through a lane-sized staging buffer). Stateless and thread-safe.
 */
public final class SimdMath {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int LANES = F.length();
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, held in the low bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float MIN_ARG = -104f;
    private static final float MAX_ARG = 89f;
    /** Softmax weights below 2^(this - 127) are flushed to 0 (they would only feed subnormal products). */
    private static final int MIN_BIASED_EXPONENT = 127 - 64;

    private SimdMath() {
    }

    /** Lanes per vector: arrays padded to a multiple of this need no tail handling. */
    public static int lanes() {
        return LANES;
    }

    /** {@code y[yOff + i] = e^x[xOff + i]} for i in {@code [0, n)}; y may be x (same offsets). */
    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            float[] tail = staged(x, xOff + i, n - i, 0f);
            exp(FloatVector.fromArray(F, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, y, yOff + i, n - i);
        }
    }

    /** e^v lane-wise, method and accuracy as in the class comment. */
    public static FloatVector exp(FloatVector v) {
        FloatVector x = v.max(MIN_ARG).min(MAX_ARG);
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector kf = t.sub(ROUNDER);
        IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
        FloatVector p = expReducedMinus1(x, kf).add(1f);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /**
     * The softmax exponential: e^(v - shift) for arguments at most 0 (one 2^k factor suffices), with
     * weights below 2^-64 flushed to 0 (against a sum of at least 1 they are invisible, and
     * they would make later products with them run on subnormal numbers). NaN propagates.
     */
    public static FloatVector expShifted(FloatVector v, FloatVector shift) {
        // no clamp: below -87 (down to -infinity) the biased exponent falls under the flush limit and the
        // lane is cleared whatever the polynomial made of it; NaN keeps a large biased exponent and stays NaN
        FloatVector x = v.sub(shift);
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector kf = t.sub(ROUNDER);
        IntVector biased = t.reinterpretAsInts().sub(ROUNDER_BITS - 127);
        // all ones where biased >= MIN_BIASED_EXPONENT, else 0: integer lanes only (no mask, no blend)
        IntVector keep = biased.sub(MIN_BIASED_EXPONENT).not().lanewise(VectorOperators.ASHR, 31);
        FloatVector scale = biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expReducedMinus1(x, kf).add(1f).mul(scale).reinterpretAsInts().and(keep).reinterpretAsFloats();
    }

    /** e^r - 1 where r = x - k ln2 (|r| <= ln2/2): degree-7 Taylor polynomial by Horner. */
    private static FloatVector expReducedMinus1(FloatVector x, FloatVector kf) {
        FloatVector r = kf.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = kf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, FloatVector.broadcast(F, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(F, 0.5f));
        return p.mul(r).fma(r, r);
    }

    /** The largest of {@code a[off, off + n)}; -infinity when n is 0; NaN when any element is NaN. */
    public static float max(float[] a, int off, int n) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            acc = acc.max(FloatVector.fromArray(F, a, off + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, a[off + i]);
        }
        return m;
    }

    /**
     * Softmax numerator of one row: {@code y[yOff + i] = e^(x[xOff + i] - shift)} (flushed below 2^-64 as in
     * {@link #expShifted}), returning the sum of the written values; y may be x. shift must be at least every x.
     */
    public static float expShiftedSum(float[] x, int xOff, float[] y, int yOff, int n, float shift) {
        return expSum(x, xOff, y, yOff, n, shift, true);
    }

    /**
     * {@code y[yOff + i] = e^(x[xOff + i] - shift)} by {@link #exp(FloatVector)} (full range, nothing flushed),
     * returning the sum of the written values; y may be x (same offsets). For softmax rows with shift their maximum.
     */
    public static float expSum(float[] x, int xOff, float[] y, int yOff, int n, float shift) {
        return expSum(x, xOff, y, yOff, n, shift, false);
    }

    private static float expSum(float[] x, int xOff, float[] y, int yOff, int n, float shift, boolean flush) {
        FloatVector s = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector e = flush ? expShifted(v, s) : exp(v.sub(s));
            e.intoArray(y, yOff + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            // the tail through a staging vector whose unused lanes give e^-inf = 0
            float[] tail = staged(x, xOff + i, n - i, Float.NEGATIVE_INFINITY);
            FloatVector v = FloatVector.fromArray(F, tail, 0);
            FloatVector e = flush ? expShifted(v, s) : exp(v.sub(s));
            e.intoArray(tail, 0);
            System.arraycopy(tail, 0, y, yOff + i, n - i);
            sum += e.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }

    /** {@code a[off + i] *= factor} for i in {@code [0, n)}. */
    public static void scale(float[] a, int off, int n, float factor) {
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            FloatVector.fromArray(F, a, off + i).mul(factor).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] *= factor;
        }
    }

    /** Exact (erf) GELU in place: {@code x[off + i] = gelu(x[off + i])} for i in {@code [0, len)}. */
    public static void gelu(float[] x, int off, int len) {
        gelu(x, off, x, off, len);
    }

    /**
     * Exact (erf) GELU, {@code y[yOff + i] = gelu(x[xOff + i])}; y may be x (same offsets). Formula as the
     * plain-Java FloatGelu: with t = |x| / sqrt 2, gelu(x) = max(x, 0) - |x| erfc(t) / 2, erfc from a fitted
     * rational form times e^(-t^2) (absolute error at most 1.5e-7 against the double-precision formula).
     */
    public static void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = n - LANES; i <= end; i += LANES) {
            gelu(x, xOff + i, y, yOff + i);
        }
        if (i < n) {
            float[] tail = staged(x, xOff + i, n - i, 0f);
            gelu(tail, 0, tail, 0);
            System.arraycopy(tail, 0, y, yOff + i, n - i);
        }
    }

    /** A lane-sized copy of the last {@code count} (< lanes) elements, the unused lanes set to {@code fill}. */
    private static float[] staged(float[] x, int off, int count, float fill) {
        float[] tail = new float[LANES];
        java.util.Arrays.fill(tail, count, LANES, fill);
        System.arraycopy(x, off, tail, 0, count);
        return tail;
    }

    /**
     * One vector of GELU from {@code x[xi]} into {@code y[yi]}. Arrays in and out, no vector parameter or
     * result: once C2 has compiled a method this large on its own it no longer inlines it, and a vector
     * passed to or returned from a call that is not inlined is boxed (measured: 1.3-1.6 ns per element
     * that way against 0.5 inlined). e^(-t^2) has its argument in [-25, 0], so it needs neither the clamp
     * nor the two-factor 2^k of {@link #exp(FloatVector)} (same polynomial, same values).
     */
    private static void gelu(float[] x, int xi, float[] y, int yi) {
        FloatVector v = FloatVector.fromArray(F, x, xi);
        FloatVector a = v.abs();
        FloatVector t = a.mul(GeluFit.INV_SQRT2).min(GeluFit.TOP);
        FloatVector s = FloatVector.broadcast(F, 1f).div(t.fma(GeluFit.P, 1f));
        FloatVector r = s.fma(GeluFit.R7, GeluFit.R6);
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R5));
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R4));
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R3));
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R2));
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R1));
        r = r.fma(s, FloatVector.broadcast(F, GeluFit.R0));
        FloatVector arg = t.mul(t).neg();
        FloatVector k = arg.fma(LOG2E, ROUNDER);
        FloatVector scale = k.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = expReducedMinus1(arg, k.sub(ROUNDER)).add(1f).mul(scale);
        v.max(0f).sub(a.min(GeluFit.TAIL_CAP).mul(0.5f).mul(e.mul(r))).intoArray(y, yi);
    }
}
