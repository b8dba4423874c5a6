package dev.kiln.backend.cpu.kernels.cast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.backend.cpu.kernels.cast.MinifloatEncoder.E8M0Rounding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class MinifloatEncoderTest {
    private static int encode(DType t, boolean saturate, double v) {
        return MinifloatEncoder.forType(t, saturate, E8M0Rounding.UP).encode(v);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "FLOAT4E2M1"})
    void everyFiniteCodeRoundTripsAndMidpointsRoundToEven(DType t) {
        int codes = t == DType.FLOAT4E2M1 ? 16 : 256;
        MinifloatEncoder e = MinifloatEncoder.forType(t, false, E8M0Rounding.UP);
        for (int c = 0; c < codes; c++) {
            float v = FloatFormats.minifloatToFloat(t, (byte) c);
            boolean negativeZero = v == 0 && Float.floatToRawIntBits(v) < 0;
            if (Float.isNaN(v) || Float.isInfinite(v) || negativeZero && t == DType.FLOAT4E2M1) {
                continue;
            }
            assertEquals(c, e.encode(v), t + " code " + c + " (" + v + ")");
            // halfway to the next larger magnitude: ties go to the even code
            int next = c + 1;
            float w = next < codes ? FloatFormats.minifloatToFloat(t, (byte) next) : Float.NaN;
            boolean sameSign = (c & (codes >> 1)) == (next & (codes >> 1));
            if (!Float.isNaN(w) && !Float.isInfinite(w) && sameSign) {
                double mid = ((double) v + w) / 2;
                assertEquals((c & 1) == 0 ? c : next, e.encode(mid), t + " midpoint of codes " + c + " and " + next);
            }
        }
    }

    @Test
    void saturationFollowsTheSpecTables() {
        assertEquals(0x7E, encode(DType.FLOAT8E4M3FN, true, 1e6));
        assertEquals(0xFE, encode(DType.FLOAT8E4M3FN, true, Double.NEGATIVE_INFINITY));
        assertEquals(0x7F, encode(DType.FLOAT8E4M3FN, false, 1e6));
        assertEquals(0xFF, encode(DType.FLOAT8E4M3FN, false, Double.NEGATIVE_INFINITY));
        assertEquals(0x7E, encode(DType.FLOAT8E4M3FN, false, 460), "460 rounds down to 448, which fits");
        assertEquals(0x7F, encode(DType.FLOAT8E4M3FN, false, 470), "470 rounds up past 448");
        assertEquals(0x7B, encode(DType.FLOAT8E5M2, true, Double.POSITIVE_INFINITY));
        assertEquals(0x7C, encode(DType.FLOAT8E5M2, false, Double.POSITIVE_INFINITY));
        assertEquals(0xFC, encode(DType.FLOAT8E5M2, false, -1e6));
        assertEquals(0x80, encode(DType.FLOAT8E5M2FNUZ, false, 1e6));
        assertEquals(0x7F, encode(DType.FLOAT8E4M3FNUZ, true, 1e6));
        assertEquals(0x07, encode(DType.FLOAT4E2M1, false, 1e6), "float4 always saturates");
    }

    @Test
    void zerosAndNaNs() {
        assertEquals(0x80, encode(DType.FLOAT8E4M3FN, true, -0.0));
        assertEquals(0x00, encode(DType.FLOAT8E4M3FNUZ, true, -0.0), "fnuz types have no negative zero");
        assertEquals(0x00, encode(DType.FLOAT8E5M2FNUZ, true, -1e-9));
        assertEquals(0x7F, encode(DType.FLOAT8E4M3FN, true, Double.NaN));
        assertEquals(0x7E, encode(DType.FLOAT8E5M2, true, Double.NaN));
        assertEquals(0x80, encode(DType.FLOAT8E4M3FNUZ, true, Double.NaN));
        assertEquals(0x08, encode(DType.FLOAT4E2M1, true, Double.NaN));
    }

    @Test
    void e8m0RoundsToPowersOfTwoByMode() {
        MinifloatEncoder up = MinifloatEncoder.forType(DType.FLOAT8E8M0, true, E8M0Rounding.UP);
        MinifloatEncoder down = MinifloatEncoder.forType(DType.FLOAT8E8M0, true, E8M0Rounding.DOWN);
        MinifloatEncoder nearest = MinifloatEncoder.forType(DType.FLOAT8E8M0, false, E8M0Rounding.NEAREST);
        assertEquals(127, up.encode(1.0));
        assertEquals(128, up.encode(1.1));
        assertEquals(127, down.encode(1.9));
        assertEquals(127, nearest.encode(1.49));
        assertEquals(128, nearest.encode(1.5));
        assertEquals(124, up.encode(0.124));
        assertEquals(0x00, up.encode(0));
        assertEquals(0xFF, nearest.encode(0), "zero is NaN without saturation");
        assertEquals(0xFE, up.encode(Double.POSITIVE_INFINITY));
        assertEquals(0xFF, nearest.encode(0x1p130));
        assertEquals(0xFF, up.encode(Double.NaN));
    }
}
