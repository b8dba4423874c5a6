package dev.kiln.backend.cpu.kernels.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probit against tabulated normal quantiles, in the centre and both tails. */
class NormalQuantileTest {
    @Test
    void matchesTabulatedQuantiles() {
        assertEquals(0.0, NormalQuantile.probit(0.5), 1e-12);
        assertEquals(1.959963984540054, NormalQuantile.probit(0.975), 1e-8);
        assertEquals(-1.959963984540054, NormalQuantile.probit(0.025), 1e-8);
        assertEquals(-2.326347874040841, NormalQuantile.probit(0.01), 1e-8);
        assertEquals(3.090232306167814, NormalQuantile.probit(0.999), 1e-8);
        assertEquals(-4.753424308822899, NormalQuantile.probit(1e-6), 1e-7);
        assertEquals(0.2533471031357997, NormalQuantile.probit(0.6), 1e-8);
    }

    @Test
    void outsideTheUnitIntervalIsNaN() {
        assertTrue(Double.isNaN(NormalQuantile.probit(1.5)));
        assertTrue(Double.isNaN(NormalQuantile.probit(-0.1)));
        assertEquals(Double.NEGATIVE_INFINITY, NormalQuantile.probit(0));
    }
}
