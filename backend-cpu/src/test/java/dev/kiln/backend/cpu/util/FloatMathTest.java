package dev.kiln.backend.cpu.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatMathTest {
    private static float[] sweep() {
        int n = 0;
        float[] x = new float[400_000];
        for (float v = -110f; v < 90f && n < x.length; v += 0.0007f) {
            x[n++] = v;
        }
        for (float v = 1e-30f; v < 1e-2f && n + 1 < x.length; v *= 1.01f) {
            x[n++] = v;
            x[n++] = -v;
        }
        return java.util.Arrays.copyOf(x, n);
    }

    @Test
    void expIsWithinOneUlpFromSubnormalToOverflow() {
        float[] x = sweep();
        float[] y = new float[x.length];
        FloatMath.exp(x, y, new float[x.length], x.length);
        for (int i = 0; i < x.length; i++) {
            float e = (float) Math.exp(x[i]);
            boolean ok = Float.isInfinite(e) ? y[i] == e : Math.abs(y[i] - e) <= Math.ulp(e);
            assertTrue(ok, "exp(" + x[i] + "): " + y[i] + " vs " + e);
        }
    }

    @Test
    void expm1IsWithinTwoUlpIncludingNearZero() {
        float[] x = sweep();
        float[] y = new float[x.length];
        FloatMath.expm1(x, y, new float[x.length], x.length);
        for (int i = 0; i < x.length; i++) {
            float e = (float) Math.expm1(x[i]);
            boolean ok = Float.isInfinite(e) ? y[i] == e : Math.abs(y[i] - e) <= 2 * Math.ulp(e);
            assertTrue(ok, "expm1(" + x[i] + "): " + y[i] + " vs " + e);
        }
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 88.72f, 89.5f};
        float[] y = new float[x.length];
        float[] k = new float[x.length];
        FloatMath.exp(x, y, k, x.length);
        assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, 1f, (float) Math.exp(88.72f), Float.POSITIVE_INFINITY}, y,
                Math.ulp(3.4e38f));
        FloatMath.expm1(x, y, k, x.length);
        assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f, (float) Math.expm1(88.72f), Float.POSITIVE_INFINITY}, y,
                Math.ulp(3.4e38f));
    }
}
