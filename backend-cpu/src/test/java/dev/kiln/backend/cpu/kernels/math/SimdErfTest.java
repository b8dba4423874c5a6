package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.simd.Simd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Vector API erf against the double-precision erf (same bound as the plain {@link FloatErf}) and special values. */
class SimdErfTest {
    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Simd.enabled(), Simd.describe());
    }

    @Test
    void withinThreeUlpOfTheDoubleErfAcrossTheRangeAtAnOffset() {
        float[] args = FloatErfTest.scanArguments();
        int off = 5;
        // a length that is no multiple of the lane count, so the tail runs too
        float[] x = new float[args.length + off];
        System.arraycopy(args, 0, x, off, args.length);
        float[] y = new float[x.length];
        SimdErf.erf(x, y, off, args.length);
        FloatErfTest.assertWithinThreeUlp(x, y, off, args.length);
        for (int i = 0; i < off; i++) {
            assertEquals(0f, y[i], "outside the range");
        }
    }

    @Test
    void specialValuesInPlace() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 30f, -30f};
        SimdErf.erf(x, x, 0, x.length);
        assertTrue(Float.isNaN(x[0]));
        assertEquals(1f, x[1]);
        assertEquals(-1f, x[2]);
        assertEquals(0x0, Float.floatToRawIntBits(x[3]));
        assertEquals(0x80000000, Float.floatToRawIntBits(x[4]), "erf(-0) is -0");
        assertEquals(1f, x[5]);
        assertEquals(-1f, x[6]);
    }
}
