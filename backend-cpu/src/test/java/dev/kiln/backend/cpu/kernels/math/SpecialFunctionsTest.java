package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

    @Test
    void erfMatchesTabulatedValues() {
        // reference values of erf to 16 digits; the series and continued fraction are good to a few ulp
        assertEquals(0.0, SpecialFunctions.erf(0.0));
        assertEquals(0.1124629160182849, SpecialFunctions.erf(0.1), 3e-16);
        assertEquals(0.5204998778130465, SpecialFunctions.erf(0.5), 3e-16);
        assertEquals(0.8427007929497149, SpecialFunctions.erf(1.0), 3e-16);
        assertEquals(0.9953222650189527, SpecialFunctions.erf(2.0), 3e-16);
        assertEquals(0.9999779095030014, SpecialFunctions.erf(3.0), 3e-16);
        assertEquals(0.9999999845827421, SpecialFunctions.erf(4.0), 3e-16);
        assertEquals(-0.8427007929497149, SpecialFunctions.erf(-1.0), 3e-16);
        assertEquals(1.0, SpecialFunctions.erf(10));
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        // near zero erf(x) ~ 2x/sqrt(pi) to full relative precision
        assertEquals(1.1283791670955126e-10, SpecialFunctions.erf(1e-10), 1e-26);
    }

    @Test
    void erfcKeepsRelativePrecisionFarOut() {
        assertEquals(1.5374597944280349e-12, SpecialFunctions.erfc(5), 1.5374597944280349e-12 * 1e-13);
        assertEquals(2.0884875837625447e-45, SpecialFunctions.erfc(10), 2.0884875837625447e-45 * 1e-13);
        assertEquals(1 - SpecialFunctions.erf(0.3), SpecialFunctions.erfc(0.3));
        assertEquals(0.0, SpecialFunctions.erfc(30));
    }

    @Test
    void inverseHyperbolicFunctionsInvertTheirCounterparts() {
        assertEquals(Math.log(2e10), SpecialFunctions.asinh(1e10), 1e-14);
        assertEquals(Math.log(2e10), SpecialFunctions.acosh(1e10), 1e-14);
        for (double x : new double[] {1e-12, 1e-5, 0.3, 1, 2.5, 30}) {
            assertEquals(x, SpecialFunctions.asinh(Math.sinh(x)), x * 1e-14);
            assertEquals(-x, SpecialFunctions.asinh(-Math.sinh(x)), x * 1e-14);
            if (x >= 1e-5) {
                assertEquals(x, SpecialFunctions.acosh(Math.cosh(x)), x < 1e-4 ? 1e-8 : x * 1e-14);
            }
            if (x < 10) {
                assertEquals(x, SpecialFunctions.atanh(Math.tanh(x)), x * 1e-13);
            }
        }
        assertEquals(Double.POSITIVE_INFINITY, SpecialFunctions.atanh(1));
        assertTrue(Double.isNaN(SpecialFunctions.atanh(1.5)));
        assertTrue(Double.isNaN(SpecialFunctions.acosh(0.5)));
        assertEquals(0.0, SpecialFunctions.acosh(1));
    }
}
