package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ArithmeticKernelTest {
    private static Tensor run(String op, Tensor... inputs) {
        Node.Builder b = Node.builder(op).output("y");
        for (int i = 0; i < inputs.length; i++) {
            b.input(inputs[i] == null ? "" : "x" + i);
        }
        return KernelHarness.runOne(b.build(), inputs);
    }

    private static Tensor mod(boolean fmod, Tensor a, Tensor b) {
        return KernelHarness.runOne(Node.builder("Mod").inputs("a", "b").output("y").attr("fmod", fmod ? 1L : 0L).build(), a, b);
    }

    @Test
    void broadcastingAddOfRowAndColumn() {
        Tensor col = Tensor.of(new float[] {10, 20}, 2, 1);
        Tensor row = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = run("Add", col, row);
        assertEquals(Shape.of(2, 3), y.shape());
        assertArrayEquals(new float[] {11, 12, 13, 21, 22, 23}, y.floatData());
        assertArrayEquals(new float[] {9, 8, 7, 19, 18, 17}, run("Sub", col, row).floatData());
        assertArrayEquals(new float[] {-9, -8, -7, -19, -18, -17}, run("Sub", row, col).floatData());
    }

    @Test
    void integerDivisionTruncatesTowardZero() {
        Tensor a = Tensor.of(new int[] {7, -7, 7, -7}, 4);
        Tensor b = Tensor.of(new int[] {2, 2, -2, -2}, 4);
        assertArrayEquals(new int[] {3, -3, -3, 3}, run("Div", a, b).intData());
        ExecutionException e = assertThrows(ExecutionException.class, () -> run("Div", a, Tensor.of(new int[] {0}, 1)));
        assertTrue(e.getMessage().contains("'B'"), e.getMessage());
    }

    @Test
    void modSignFollowsTheDivisorUnlessFmod() {
        Tensor a = Tensor.of(new long[] {7, -7, 7, -7}, 4);
        Tensor b = Tensor.of(new long[] {3, 3, -3, -3}, 4);
        assertArrayEquals(new long[] {1, 2, -2, -1}, mod(false, a, b).longData());
        assertArrayEquals(new long[] {1, -1, 1, -1}, mod(true, a, b).longData());
        Tensor fa = Tensor.of(new float[] {5.5f, -5.5f}, 2);
        Tensor fb = Tensor.of(new float[] {2f, 2f}, 2);
        assertArrayEquals(new float[] {1.5f, -1.5f}, mod(true, fa, fb).floatData());
        assertArrayEquals(new float[] {1.5f, 0.5f}, mod(false, fa, fb).floatData());
    }

    @Test
    void narrowIntegersWrapAndUnsigned64DividesUnsigned() {
        Tensor a = Tensor.of(DType.INT8, new byte[] {100, -100}, 2);
        assertArrayEquals(new byte[] {-56, 56}, run("Add", a, a).byteData());
        Tensor u = Tensor.of(DType.UINT64, new long[] {-2L, 10}, 2);
        Tensor two = Tensor.of(DType.UINT64, new long[] {2}, 1);
        assertArrayEquals(new long[] {Long.MAX_VALUE, 5}, run("Div", u, two).longData());
        assertArrayEquals(new long[] {-2L, 10}, run("Max", u, two).longData());
        Tensor u8 = Tensor.of(DType.UINT8, new byte[] {(byte) 200, 3}, 2);
        assertArrayEquals(new byte[] {(byte) 200, 3}, run("Max", u8, Tensor.of(DType.UINT8, new byte[] {1}, 1)).byteData());
    }

    @Test
    void maxAndMinPropagateNaN() {
        Tensor a = Tensor.of(new float[] {Float.NaN, 1, -0f}, 3);
        Tensor b = Tensor.of(new float[] {1, Float.NaN, 0f}, 3);
        float[] max = run("Max", a, b).floatData();
        assertTrue(Float.isNaN(max[0]) && Float.isNaN(max[1]));
        assertEquals(0f, max[2]);
    }

    @Test
    void variadicOpsFoldEveryInputWithBroadcasting() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new float[] {10}, 1);
        Tensor c = Tensor.of(new float[] {100, 200}, 2, 1);
        assertArrayEquals(new float[] {111, 112, 113, 211, 212, 213}, run("Sum", a, b, c).floatData());
        assertArrayEquals(new float[] {37, 112f / 3, 113f / 3, 211f / 3, 212f / 3, 213f / 3}, run("Mean", a, b, c).floatData(), 1e-5f);
        assertArrayEquals(new float[] {100, 100, 100, 200, 200, 200}, run("Max", a, b, c).floatData());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, run("Min", a, b, c).floatData());
        assertSame(a, run("Max", a), "one input is its own result");
    }

    @Test
    void variadicInputsMustShareOneType() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run("Sum", Tensor.of(new float[] {1}, 1), Tensor.of(new double[] {1}, 1)));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void preluBroadcastsTheSlope() {
        Tensor x = Tensor.of(new float[] {-1, 2, -3, 4}, 2, 2);
        Tensor slope = Tensor.of(new float[] {0.5f, 0.25f}, 2);
        assertArrayEquals(new float[] {-0.5f, 2, -1.5f, 4}, run("PRelu", x, slope).floatData());
    }

    @Test
    void powWithMixedTypes() {
        assertArrayEquals(new float[] {1, 8, 0.25f}, run("Pow", Tensor.of(new float[] {1, 2, 2}, 3), Tensor.of(new long[] {5, 3, -2}, 3))
                .floatData());
        assertArrayEquals(new int[] {1, -8, 0, 81}, run("Pow", Tensor.of(new int[] {1, -2, 2, 3}, 4), Tensor.of(new long[] {9, 3, -1, 4}, 4))
                .intData());
        assertArrayEquals(new long[] {2, 5}, run("Pow", Tensor.of(new long[] {4, 27}, 2), Tensor.of(new float[] {0.5f, 0.5f}, 2))
                .longData());
        assertArrayEquals(new float[] {9, 3}, run("Pow", Tensor.of(new float[] {-3, 9}, 2), Tensor.of(new float[] {2, 0.5f}, 2))
                .floatData());
        assertEquals(4.0, PowKernel.power(2, 2));
        assertEquals(0L, PowKernel.power(2, 64), "overflow wraps like repeated multiplication");
    }

    @Test
    void clipBoundsAreOptionalAndMaxWinsWhenTheyCross() {
        Tensor x = Tensor.of(new float[] {-5, 0, 5, Float.NaN}, 4);
        float[] both = run("Clip", x, Tensor.scalar(-1f), Tensor.scalar(2f)).floatData();
        assertArrayEquals(new float[] {-1, 0, 2}, java.util.Arrays.copyOf(both, 3));
        assertTrue(Float.isNaN(both[3]));
        assertArrayEquals(new float[] {-5, 0, 2}, java.util.Arrays.copyOf(run("Clip", x, null, Tensor.scalar(2f)).floatData(), 3));
        assertArrayEquals(new float[] {1, 1, 1}, java.util.Arrays.copyOf(run("Clip", x, Tensor.scalar(3f), Tensor.scalar(1f)).floatData(), 3));
        Tensor u64 = Tensor.of(DType.UINT64, new long[] {-1L, 3}, 2);
        Tensor hi = Tensor.of(DType.UINT64, new long[] {10}, new long[0]);
        assertArrayEquals(new long[] {10, 3}, run("Clip", u64, null, hi).longData());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("Clip", x, Tensor.of(new float[] {1, 2}, 2)));
        assertTrue(e.getMessage().contains("'min'"), e.getMessage());
    }

    @Test
    void halfArithmeticRoundsEachResult() {
        Tensor a = Tensor.of(DType.FLOAT16, new short[] {FloatFormats.floatToHalf(1f), FloatFormats.floatToHalf(2048f)}, 2);
        Tensor b = Tensor.of(DType.FLOAT16, new short[] {FloatFormats.floatToHalf(1f)}, 1);
        Tensor y = run("Add", a, b);
        assertEquals(2f, FloatFormats.halfToFloat(y.shortData()[0]));
        assertEquals(2048f, FloatFormats.halfToFloat(y.shortData()[1]), "2049 is a tie in float16 and rounds to even");
    }

    @Test
    void mismatchedTypesAreRejected() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run("Add", Tensor.of(new float[] {1}, 1), Tensor.of(new int[] {1}, 1)));
        assertTrue(e.getMessage().contains("Add"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> run("Add", Tensor.of(new boolean[] {true}, 1), Tensor.of(new boolean[] {true}, 1)));
    }
}
