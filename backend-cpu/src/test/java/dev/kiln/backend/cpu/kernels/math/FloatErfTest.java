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

    @Test
    void withinThreeUlpOfTheDoubleErfAcrossTheRange() {
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
        float[] y = erf(x, 1f);
        for (int i = 0; i < x.length; i++) {
            float expected = (float) SpecialFunctions.erf(x[i]);
            assertTrue(Math.abs(y[i] - expected) <= 3 * Math.ulp(expected), "erf(" + x[i] + "): " + y[i] + " vs " + expected);
        }
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
