package dev.kiln.backend.cpu.kernels.logic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class LogicKernelsTest {
    private static Tensor run(String op, Tensor... inputs) {
        Node.Builder b = Node.builder(op).output("y");
        for (int i = 0; i < inputs.length; i++) {
            b.input("x" + i);
        }
        return KernelHarness.runOne(b.build(), inputs);
    }

    @Test
    void comparisonsBroadcastAndTreatNaNAsUnordered() {
        Tensor a = Tensor.of(new float[] {1, 2, Float.NaN}, 3);
        Tensor two = Tensor.of(new float[] {2}, 1);
        assertArrayEquals(new boolean[] {true, false, false}, run("Less", a, two).booleanData());
        assertArrayEquals(new boolean[] {true, true, false}, run("LessOrEqual", a, two).booleanData());
        assertArrayEquals(new boolean[] {false, false, false}, run("Greater", a, two).booleanData());
        assertArrayEquals(new boolean[] {false, true, false}, run("GreaterOrEqual", a, two).booleanData());
        assertArrayEquals(new boolean[] {false, true, false}, run("Equal", a, two).booleanData());
        Tensor col = Tensor.of(new long[] {1, 3}, 2, 1);
        Tensor y = run("Greater", col, Tensor.of(new long[] {0, 2, 4}, 3));
        assertEquals(Shape.of(2, 3), y.shape());
        assertArrayEquals(new boolean[] {true, false, false, true, true, false}, y.booleanData());
    }

    @Test
    void unsignedAndHalfComparisons() {
        Tensor u = Tensor.of(DType.UINT64, new long[] {-1L, 1}, 2);
        Tensor two = Tensor.of(DType.UINT64, new long[] {2}, 1);
        assertArrayEquals(new boolean[] {true, false}, run("Greater", u, two).booleanData(), "2^64-1 > 2");
        Tensor u8 = Tensor.of(DType.UINT8, new byte[] {(byte) 200}, 1);
        assertArrayEquals(new boolean[] {false}, run("Less", u8, Tensor.of(DType.UINT8, new byte[] {100}, 1)).booleanData());
        Tensor h = Tensor.of(DType.FLOAT16, new short[] {FloatFormats.floatToHalf(0.5f), FloatFormats.floatToHalf(-1f)}, 2);
        Tensor z = Tensor.of(DType.FLOAT16, new short[] {0}, 1);
        assertArrayEquals(new boolean[] {true, false}, run("Greater", h, z).booleanData());
    }

    @Test
    void equalOnStringsAndBools() {
        Tensor s = Tensor.of(new String[] {"a", "bc", ""}, 3);
        assertArrayEquals(new boolean[] {false, true, false}, run("Equal", s, Tensor.of(new String[] {"bc"}, 1)).booleanData());
        assertArrayEquals(new boolean[] {true, false}, run("Equal", Tensor.of(new boolean[] {true, false}, 2), Tensor.scalar(true))
                .booleanData());
        assertThrows(InvalidInputException.class, () -> run("Less", s, s));
    }

    @Test
    void logicalOps() {
        Tensor a = Tensor.of(new boolean[] {true, true, false, false}, 4);
        Tensor b = Tensor.of(new boolean[] {true, false, true, false}, 4);
        assertArrayEquals(new boolean[] {true, false, false, false}, run("And", a, b).booleanData());
        assertArrayEquals(new boolean[] {true, true, true, false}, run("Or", a, b).booleanData());
        assertArrayEquals(new boolean[] {false, true, true, false}, run("Xor", a, b).booleanData());
        assertArrayEquals(new boolean[] {false, false, true, true}, run("Not", a).booleanData());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("And", Tensor.of(new int[] {1}, 1),
                Tensor.of(new int[] {1}, 1)));
        assertTrue(e.getMessage().contains("bool"), e.getMessage());
    }

    @Test
    void bitwiseOpsKeepTheTypeWidth() {
        Tensor a = Tensor.of(DType.INT8, new byte[] {0x0F, -1}, 2);
        Tensor b = Tensor.of(DType.INT8, new byte[] {0x3C}, 1);
        assertArrayEquals(new byte[] {0x0C, 0x3C}, run("BitwiseAnd", a, b).byteData());
        assertArrayEquals(new byte[] {0x3F, -1}, run("BitwiseOr", a, b).byteData());
        assertArrayEquals(new byte[] {0x33, (byte) 0xC3}, run("BitwiseXor", a, b).byteData());
        assertArrayEquals(new byte[] {(byte) 0xF0, 0}, run("BitwiseNot", a).byteData());
        Tensor u16 = Tensor.of(DType.UINT16, new short[] {1}, 1);
        assertArrayEquals(new short[] {(short) 0xFFFE}, run("BitwiseNot", u16).shortData());
    }

    @Test
    void bitShiftIsLogicalAndDropsBitsPastTheWidth() {
        Node left = Node.builder("BitShift").inputs("x", "s").output("y").attr("direction", "LEFT").build();
        Node right = Node.builder("BitShift").inputs("x", "s").output("y").attr("direction", "RIGHT").build();
        Tensor x = Tensor.of(DType.UINT8, new byte[] {16, 4, 1}, 3);
        Tensor s = Tensor.of(DType.UINT8, new byte[] {1, 2, 8}, 3);
        assertArrayEquals(new byte[] {32, 16, 0}, KernelHarness.runOne(left, x, s).byteData());
        assertArrayEquals(new byte[] {8, 1, 0}, KernelHarness.runOne(right, x, s).byteData());
        Tensor big = Tensor.of(DType.UINT64, new long[] {Long.MIN_VALUE, 1}, 2);
        Tensor sh = Tensor.of(DType.UINT64, new long[] {63, 64}, 2);
        assertArrayEquals(new long[] {1, 0}, KernelHarness.runOne(right, big, sh).longData());
        Node bad = Node.builder("BitShift").inputs("x", "s").output("y").attr("direction", "UP").build();
        assertThrows(UnsupportedOpException.class, () -> KernelHarness.runOne(bad, x, s));
    }

    @Test
    void whereSelectsUnderThreeWayBroadcasting() {
        Tensor c = Tensor.of(new boolean[] {true, false}, 2, 1);
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.of(new float[] {-1}, 1);
        Tensor out = run("Where", c, x, y);
        assertEquals(Shape.of(2, 3), out.shape());
        assertArrayEquals(new float[] {1, 2, 3, -1, -1, -1}, out.floatData());
        Tensor strings = run("Where", Tensor.of(new boolean[] {false, true}, 2), Tensor.of(new String[] {"a", "b"}, 2),
                Tensor.of(new String[] {"z"}, 1));
        assertArrayEquals(new String[] {"z", "b"}, strings.stringData());
        Tensor halves = run("Where", Tensor.scalar(true), Tensor.of(DType.FLOAT16, new short[] {7, 8}, 2), Tensor.of(DType.FLOAT16,
                new short[] {9}, 1));
        assertArrayEquals(new short[] {7, 8}, halves.shortData());
        assertThrows(InvalidInputException.class, () -> run("Where", Tensor.of(new int[] {1}, 1), x, y));
    }
}
