package dev.kiln.backend.cpu.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.tensor.FloatFormats;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void decodingMatchesTheApiForEveryHalf() {
        for (int h = 0; h < 1 << 16; h++) {
            float expected = FloatFormats.halfToFloat((short) h);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(HalfFloats.toFloat((short) h)), "half " + h);
        }
    }

    @Test
    void encodingMatchesTheApiAtEveryRoundingBoundary() {
        // the 13 bits float16 drops decide the rounding: check just below, at and above the halfway point, for every exponent and sign
        int[] lowBits = {0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF};
        for (int high = 0; high < 1 << 19; high++) {
            for (int low : lowBits) {
                int bits = high << 13 | low;
                float f = Float.intBitsToFloat(bits);
                assertEquals(FloatFormats.floatToHalf(f), HalfFloats.fromFloat(f), () -> "float bits " + Integer.toHexString(bits));
            }
        }
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 4099) {
            float f = Float.intBitsToFloat((int) bits);
            assertEquals(FloatFormats.floatToHalf(f), HalfFloats.fromFloat(f));
        }
    }
}
