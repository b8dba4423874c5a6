package dev.kiln.backend.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SimdMath's exp and reductions against {@link Math#exp} and plain loops. */
class SimdMathTest {
    /** One float ulp (2^-23): the bound for normal results; measured 8.8e-8, at x = -5.88. */
    private static final double MAX_RELATIVE_ERROR = 1.2e-7;

    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Simd.enabled(), Simd.describe());
    }

    @Test
    void expIsWithinOneUlpOverTheWholeFloatRange() {
        // every 97th float magnitude up to 110, both signs (about 22 million arguments), written at an odd offset
        float[] x = new float[1 << 16];
        float[] y = new float[x.length + 3];
        double worst = 0;
        float worstAt = 0;
        int count = 0;
        int top = Float.floatToRawIntBits(110f);
        int n = 0;
        for (int m = 0; m <= top + 97; m += 97) {
            if (m <= top) {
                x[n++] = Float.intBitsToFloat(m);
                x[n++] = -Float.intBitsToFloat(m);
            }
            if (n == x.length || (m > top && n > 0)) {
                SimdMath.exp(x, 0, y, 3, n - 1);
                for (int i = 0; i < n - 1; i++) {
                    double err = errorOf(y[3 + i], Math.exp(x[i]));
                    if (err > worst) {
                        worst = err;
                        worstAt = x[i];
                    }
                }
                count += n - 1;
                n = 0;
            }
        }
        assertTrue(count > 10_000_000, "covered " + count);
        assertTrue(worst <= MAX_RELATIVE_ERROR, "relative error " + worst + " at x = " + worstAt);
    }

    /** Relative error for normal results; for subnormal ones, error in units of the smallest subnormal (scaled to compare). */
    private static double errorOf(float got, double want) {
        if (want >= Float.MAX_VALUE * (1 + 1e-7)) {
            return got == Float.POSITIVE_INFINITY ? 0 : 1;
        }
        if (want < Float.MIN_NORMAL) {
            // within one smallest subnormal (rounding of the last factor)
            return Math.abs(got - want) <= Float.MIN_VALUE ? 0 : 1;
        }
        return Math.abs(got - want) / want;
    }

    @Test
    void expHandlesTheEdgesOfTheRange() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.7f, 88.8f, 89f, 1000f, -103.9f, -104f, -200f,
            0f, -0f, 1e-30f, -87.5f, -150f, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] y = new float[x.length];
        SimdMath.exp(x, 0, y, 0, x.length);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertEquals(0f, y[2]);
        assertEquals((float) Math.exp(88.7f), y[3], Math.ulp((float) Math.exp(88.7f)) * 2);
        assertEquals(Float.POSITIVE_INFINITY, y[4]);
        assertEquals(Float.POSITIVE_INFINITY, y[5]);
        assertEquals(Float.POSITIVE_INFINITY, y[6]);
        assertEquals(Math.exp(-103.9f), y[7], Float.MIN_VALUE);
        assertEquals(0f, y[8], Float.MIN_VALUE);
        assertEquals(0f, y[9]);
        assertEquals(1f, y[10]);
        assertEquals(1f, y[11]);
        assertEquals(1f, y[12]);
        assertEquals(Math.exp(-87.5f), y[13], Math.exp(-87.5f) * 3e-7);
        assertEquals(0f, y[14]);
        assertEquals(Float.POSITIVE_INFINITY, y[15]);
        assertEquals(0f, y[16]);
    }

    @Test
    void softmaxRowsAgreeWithThePlainFormula() {
        Random random = new Random(3);
        for (int n : new int[] {1, 7, 16, 31, 128, 333}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() * 40 - 30;
            }
            x[1] = -10000f;
            float max = SimdMath.max(x, 1, n);
            float plainMax = Float.NEGATIVE_INFINITY;
            for (int i = 1; i <= n; i++) {
                plainMax = Math.max(plainMax, x[i]);
            }
            assertEquals(plainMax, max);
            float[] y = new float[n];
            float sum = SimdMath.expShiftedSum(x, 1, y, 0, n, max);
            double want = 0;
            for (int i = 0; i < n; i++) {
                double e = Math.exp(x[1 + i] - max);
                // weights below 2^-64 are flushed to 0
                double expect = e < 0x1p-64 ? 0 : e;
                assertEquals(expect, y[i], Math.max(e * 3e-7, 0x1p-64), "n=" + n + " i=" + i);
                want += expect;
            }
            assertEquals(want, sum, want * 1e-6);
        }
        assertTrue(Float.isNaN(SimdMath.max(new float[] {1, Float.NaN, 2}, 0, 3)));
        float[] nan = {0f, Float.NaN, -1f};
        assertTrue(Float.isNaN(SimdMath.expShiftedSum(nan, 0, nan, 0, 3, 0f)));
        assertTrue(Float.isNaN(nan[1]));
        assertEquals(Float.NEGATIVE_INFINITY, SimdMath.max(new float[0], 0, 0));
    }

    @Test
    void scaleMultipliesEveryElementOfTheRange() {
        float[] a = new float[37];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        SimdMath.scale(a, 2, 33, 0.5f);
        assertEquals(0f, a[0]);
        assertEquals(1f, a[1]);
        for (int i = 2; i < 35; i++) {
            assertEquals(i * 0.5f, a[i]);
        }
        assertEquals(35f, a[35]);
        assertEquals(36f, a[36]);
    }
}
