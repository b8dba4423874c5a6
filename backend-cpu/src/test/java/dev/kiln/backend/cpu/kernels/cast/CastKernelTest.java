package dev.kiln.backend.cpu.kernels.cast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class CastKernelTest {
    private static Tensor cast(Tensor x, DType to, long saturate) {
        return KernelHarness.runOne(Node.builder("Cast").input("x").output("y").attr("to", (long) to.code()).attr("saturate", saturate)
                .build(), x);
    }

    private static Tensor cast(Tensor x, DType to) {
        return cast(x, to, 1);
    }

    @Test
    void floatToNarrowIntegersWraps() {
        Tensor x = Tensor.of(new float[] {-9, -8, 7, 8, 15, 2.7f, -2.7f}, 7);
        assertArrayEquals(new byte[] {7, -8, 7, -8, -1, 2, -2}, cast(x, DType.INT4).byteData());
        assertArrayEquals(new byte[] {7, 8, 7, 8, 15, 2, 14}, cast(x, DType.UINT4).byteData());
        assertArrayEquals(new byte[] {-1, 0, -1, 0, -1, -2, -2}, cast(x, DType.INT2).byteData());
        assertArrayEquals(new byte[] {-56}, cast(Tensor.of(DType.INT16, new short[] {200}, 1), DType.INT8).byteData());
    }

    @Test
    void floatToFloat8WithAndWithoutSaturation() {
        Tensor x = Tensor.of(new float[] {0.4789f, 1e6f, Float.NEGATIVE_INFINITY, Float.NaN}, 4);
        assertArrayEquals(new byte[] {0x2F, 0x7E, (byte) 0xFE, 0x7F}, cast(x, DType.FLOAT8E4M3FN).byteData());
        assertArrayEquals(new byte[] {0x2F, 0x7F, (byte) 0xFF, 0x7F}, cast(x, DType.FLOAT8E4M3FN, 0).byteData());
        assertArrayEquals(new byte[] {0x3C, 0x7F, (byte) 0xFF, (byte) 0x80}, cast(x, DType.FLOAT8E5M2FNUZ).byteData());
        Tensor back = cast(Tensor.of(DType.FLOAT8E5M2, new byte[] {0x7C, 0x38}, 2), DType.FLOAT);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 0.5f}, back.floatData());
    }

    @Test
    void narrowTypesConvertAmongThemselves() {
        Tensor e4 = Tensor.of(DType.FLOAT8E4M3FN, new byte[] {0x30, (byte) 0xFE, 0x7F}, 3);
        assertArrayEquals(new byte[] {0x38, (byte) 0xDF, 0x7E}, cast(e4, DType.FLOAT8E5M2).byteData(), "0.5, -448, NaN");
        Tensor i4 = Tensor.of(DType.INT4, new byte[] {-8, 7}, 2);
        assertArrayEquals(new short[] {FloatFormats.floatToHalf(-8f), FloatFormats.floatToHalf(7f)}, cast(i4, DType.FLOAT16).shortData());
        assertArrayEquals(new byte[] {8, 7}, cast(i4, DType.UINT4).byteData());
        Tensor e8 = Tensor.of(DType.FLOAT8E8M0, new byte[] {127, (byte) 0x82, (byte) 0xFF}, 3);
        float[] f = cast(e8, DType.FLOAT).floatData();
        assertArrayEquals(new float[] {1f, 8f}, java.util.Arrays.copyOf(f, 2));
        assertTrue(Float.isNaN(f[2]));
        assertArrayEquals(new byte[] {0x38, 0}, cast(Tensor.of(new boolean[] {true, false}, 2), DType.FLOAT8E4M3FN).byteData());
    }

    @Test
    void e8m0TakesTheRoundingMode() {
        Node down = Node.builder("Cast").input("x").output("y").attr("to", (long) DType.FLOAT8E8M0.code()).attr("round_mode", "down").build();
        Tensor y = KernelHarness.runOne(down, Tensor.of(new float[] {1.9f, 0.3f}, 2));
        assertArrayEquals(new byte[] {127, 125}, y.byteData());
        Node bad = Node.builder("Cast").input("x").output("y").attr("to", (long) DType.FLOAT8E8M0.code()).attr("round_mode", "odd").build();
        assertThrows(UnsupportedOpException.class, () -> KernelHarness.runOne(bad, Tensor.of(new float[] {1}, 1)));
    }

    @Test
    void halfAndBfloat16RoundToNearestEven() {
        Tensor x = Tensor.of(new float[] {1f + 0x1p-11f, 1f + 0x1p-11f + 0x1p-20f, 65520f}, 3);
        short[] h = cast(x, DType.FLOAT16).shortData();
        assertEquals(1f, FloatFormats.halfToFloat(h[0]), "a tie rounds to even");
        assertEquals(1f + 0x1p-10f, FloatFormats.halfToFloat(h[1]));
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.halfToFloat(h[2]), "float16 overflows to infinity");
        assertEquals(0x3F80, cast(Tensor.of(new float[] {1f + 0x1p-8f}, 1), DType.BFLOAT16).shortData()[0]);
    }

    @Test
    void unsigned64ConvertsAcrossTheWholeRange() {
        Tensor big = Tensor.of(new double[] {1.8446744073709550e19, 3.5}, 2);
        assertArrayEquals(new long[] {0xFFFFFFFFFFFFF800L, 3}, cast(big, DType.UINT64).longData());
        Tensor u = Tensor.of(DType.UINT64, new long[] {-1L}, 1);
        assertEquals(0x1p64, cast(u, DType.DOUBLE).doubleData()[0]);
        assertEquals(0x1p64f, cast(u, DType.FLOAT).floatData()[0]);
    }

    @Test
    void boolConversions() {
        Tensor f = Tensor.of(new float[] {0, -0f, Float.NaN, 0.1f}, 4);
        assertArrayEquals(new boolean[] {false, false, true, true}, cast(f, DType.BOOL).booleanData());
        assertArrayEquals(new int[] {1, 0}, cast(Tensor.of(new boolean[] {true, false}, 2), DType.INT32).intData());
        assertArrayEquals(new boolean[] {true, false}, cast(Tensor.of(new long[] {36, 0}, 2), DType.BOOL).booleanData());
    }

    @Test
    void stringsParseAndFormat() {
        Tensor s = Tensor.of(new String[] {"3.14", "1e-5", "+INF", "-inf", "NaN", "1E8"}, 6);
        float[] f = cast(s, DType.FLOAT).floatData();
        assertArrayEquals(new float[] {3.14f, 1e-5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, java.util.Arrays.copyOf(f, 4));
        assertTrue(Float.isNaN(f[4]));
        assertEquals(1e8f, f[5]);
        assertArrayEquals(new long[] {100, -3}, cast(Tensor.of(new String[] {"100.5", "-3"}, 2), DType.INT64).longData());
        assertArrayEquals(new String[] {"314.15926", "-INF", "0.1"}, cast(Tensor.of(new double[] {314.159264, Double.NEGATIVE_INFINITY, 0.1}, 3),
                DType.STRING).stringData());
        assertArrayEquals(new String[] {"255", "0"}, cast(Tensor.of(DType.UINT8, new byte[] {-1, 0}, 2), DType.STRING).stringData(),
                "uint8 prints unsigned");
        assertArrayEquals(new String[] {"-1"}, cast(Tensor.of(DType.INT8, new byte[] {-1}, 1), DType.STRING).stringData());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> cast(Tensor.of(new String[] {"1", "Hello"}, 2),
                DType.DOUBLE));
        assertTrue(e.getMessage().contains("'Hello'") && e.getMessage().contains("element 1"), e.getMessage());
    }

    @Test
    void castLikeTakesTheSecondInputsTypeAndSameTypeIsTheInputItself() {
        Tensor x = Tensor.of(new float[] {1.5f, -2.5f}, 2);
        Node like = Node.builder("CastLike").inputs("x", "t").output("y").build();
        Tensor y = KernelHarness.runOne(like, x, Tensor.of(new int[0], 0));
        assertArrayEquals(new int[] {1, -2}, y.intData());
        assertSame(x, cast(x, DType.FLOAT));
    }
}
