package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.util.FloatBlocks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The float32 GELU on both paths: plain-Java {@link FloatGelu} and the Vector API {@link SimdMath#gelu}. */
class FloatGeluTest {
    private static float[] gelu(float[] x, boolean simd) {
        float[] y = new float[x.length];
        if (simd) {
            assumeTrue(Simd.enabled(), Simd.describe());
            // at an offset, so the tail and the offsets are exercised
            float[] shifted = new float[x.length + 5];
            System.arraycopy(x, 0, shifted, 5, x.length);
            SimdMath.gelu(shifted, 5, y, 0, x.length);
        } else {
            FloatGelu.gelu(x, y, new float[FloatBlocks.SCRATCH_ARRAYS][x.length], x.length);
        }
        return y;
    }

    /** 0.5 x (1 + erf(x / sqrt 2)) in double, written as in the ONNX definition. */
    private static double exact(double x) {
        return 0.5 * x * (1 + SpecialFunctions.erf(x / Math.sqrt(2)));
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {false, true})
    void matchesTheDoubleFormulaAcrossTheRange(boolean simd) {
        List<Float> args = new ArrayList<>();
        for (float v = -12f; v <= 12f; v += 1f / 4096) {
            args.add(v);
        }
        for (float v = 1e-30f; v < 1f; v *= 1.05f) {
            args.add(v);
            args.add(-v);
        }
        float[] x = new float[args.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = args.get(i);
        }
        float[] y = gelu(x, simd);
        for (int i = 0; i < x.length; i++) {
            double e = exact(x[i]);
            double err = Math.abs(y[i] - e);
            // absolute 1.5e-7 per unit of |x| everywhere (x's own rounding is 6e-8 |x|)
            assertTrue(err <= 1.5e-7 * Math.max(1, Math.abs(x[i])), "gelu(" + x[i] + "): " + y[i] + " vs " + e);
            if (Math.abs(x[i]) <= 3) {
                assertTrue(err <= 2e-6 * Math.abs(e), "gelu(" + x[i] + "): " + y[i] + " vs " + e + ", relative error " + err / Math.abs(e));
            }
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {false, true})
    void specialValues(boolean simd) {
        float[] y = gelu(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 1f, -1f, 40f, -40f}, simd);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertTrue(y[2] <= 0 && y[2] > -1e-10f, "gelu(-inf) is 0 to float precision, got " + y[2]);
        assertEquals(0f, y[3]);
        assertEquals(0.8413447460685429, y[4], 1e-7);
        assertEquals(-0.15865525393145707, y[5], 1e-7);
        assertEquals(40f, y[6]);
        assertTrue(y[7] <= 0 && y[7] > -1e-10f);
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {false, true})
    void inPlaceGivesTheSameValues(boolean simd) {
        float[] x = {-2.5f, -0.3f, 0.7f, 3.1f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f};
        float[] expected = gelu(x.clone(), simd);
        if (simd) {
            SimdMath.gelu(x, 0, x.length);
        } else {
            FloatGelu.gelu(x, x, new float[FloatBlocks.SCRATCH_ARRAYS][x.length], x.length);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], x[i]);
        }
    }
}
