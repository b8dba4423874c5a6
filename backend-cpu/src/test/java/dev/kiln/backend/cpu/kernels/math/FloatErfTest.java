package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FloatErfTest {
    private static float[][] scratch(int n) {
        return new float[dev.kiln.backend.cpu.util.FloatBlocks.SCRATCH_ARRAYS][n];
    }

    private static float[] erf(float[] x, float scale) {
        float[] y = new float[x.length];
        FloatErf.erf(x, scale, y, scratch(x.length), x.length);
        return y;
    }

    /**
     * The arguments both erf implementations are checked on: [-7, 7] in steps of 1/4096 (past 7 erf is +-1 in
     * float) and tiny magnitudes of both signs down to 1e-38.
     */
    static float[] scanArguments() {
        List<Float> args = new ArrayList<>();
        for (float v = -7f; v <= 7f; v += 1f / 4096) {
            args.add(v);
        }
        for (float v = 1e-38f; v < 1f; v *= 1.05f) {
            args.add(v);
            args.add(-v);
        }
        float[] x = new float[args.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = args.get(i);
        }
        return x;
    }

    /** {@code y[from + i]} within 3 ulp of the double-precision erf of {@code x[from + i]}, for i < n. */
    static void assertWithinThreeUlp(float[] x, float[] y, int from, int n) {
        for (int i = from; i < from + n; i++) {
            float expected = (float) SpecialFunctions.erf(x[i]);
            assertTrue(Math.abs(y[i] - expected) <= 3 * Math.ulp(expected), "erf(" + x[i] + "): " + y[i] + " vs " + expected);
        }
    }

    @Test
    void withinThreeUlpOfTheDoubleErfAcrossTheRange() {
        float[] x = scanArguments();
        assertWithinThreeUlp(x, erf(x, 1f), 0, x.length);
    }

    @Test
    void specialValuesAndScaling() {
        float[] y = erf(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 30f}, 1f);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(1f, y[1]);
        assertEquals(-1f, y[2]);
        assertEquals(0x0, Float.floatToRawIntBits(y[3]));
        assertEquals(0x80000000, Float.floatToRawIntBits(y[4]), "erf(-0) is -0");
        assertEquals(1f, y[5]);
        assertEquals((float) SpecialFunctions.erf(1.5), erf(new float[] {3f}, 0.5f)[0], 2e-7f);
    }
}
