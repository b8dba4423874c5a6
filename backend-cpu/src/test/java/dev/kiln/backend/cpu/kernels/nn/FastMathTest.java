package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastMathTest {
    @Test
    void matchesMathExpWithinFloatPrecision() {
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            double expected = Math.exp(x);
            double err = Math.abs(FastMath.exp(x) - expected) / expected;
            assertTrue(err < 2e-7, "exp(" + x + ") relative error " + err);
        }
    }

    @Test
    void handlesTheEdges() {
        assertEquals(1f, FastMath.exp(0f));
        assertEquals(0f, FastMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, FastMath.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, FastMath.exp(100f));
        assertTrue(Float.isNaN(FastMath.exp(Float.NaN)));
    }
}
