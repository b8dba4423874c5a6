package dev.kiln.backend.cpu.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Mersenne Twister against published values: the reference implementation's and numpy's. */
class Mt19937Test {
    @Test
    void firstOutputsOfTheReferenceSeed() {
        Mt19937 mt = new Mt19937(5489);
        assertEquals(3499211612L, mt.nextInt() & 0xffffffffL);
        assertEquals(581869302L, mt.nextInt() & 0xffffffffL);
        assertEquals(3890346734L, mt.nextInt() & 0xffffffffL);
    }

    @Test
    void doublesMatchNumpysLegacyRandomSample() {
        // np.random.seed(0); np.random.random_sample(3)
        Mt19937 mt = new Mt19937(0);
        assertEquals(0.5488135039273248, mt.nextDouble(), 0);
        assertEquals(0.7151893663724195, mt.nextDouble(), 0);
        assertEquals(0.6027633760716439, mt.nextDouble(), 0);
    }

    @Test
    void theStateRollsOverAfter624Outputs() {
        Mt19937 mt = new Mt19937(5489);
        int last = 0;
        for (int i = 0; i < 10000; i++) {
            last = mt.nextInt();
        }
        // the 10000th output of init_genrand(5489), the C++ standard's check value for std::mt19937
        assertEquals(4123659995L, last & 0xffffffffL);
    }
}
