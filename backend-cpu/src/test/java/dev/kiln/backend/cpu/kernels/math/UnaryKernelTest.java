package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnaryKernelTest {
    private static Tensor run(String op, Tensor x) {
        return KernelHarness.runOne(Node.builder(op).input("x").output("y").build(), x);
    }

    private static float[] floats(String op, float... x) {
        return run(op, Tensor.of(x, x.length)).floatData();
    }

    @Test
    void roundHalvesToEven() {
        assertArrayEquals(new float[] {0, 2, 2, -0f, -2, 3, -4}, floats("Round", 0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 2.6f, -3.5f));
    }

    @Test
    void floorCeilSignAbsNeg() {
        assertArrayEquals(new float[] {-2, 1, -1}, floats("Floor", -1.5f, 1.7f, -0.2f));
        assertArrayEquals(new float[] {-1, 2, -0f}, floats("Ceil", -1.5f, 1.2f, -0.2f));
        assertArrayEquals(new float[] {-1, 0, 1}, floats("Sign", -3f, 0f, 0.1f));
        assertArrayEquals(new float[] {3, 0.5f}, floats("Abs", -3f, 0.5f));
        assertArrayEquals(new float[] {-3, 0.5f}, floats("Neg", 3f, -0.5f));
        assertArrayEquals(new float[] {0.25f, -2}, floats("Reciprocal", 4f, -0.5f));
    }

    @Test
    void integerOpsAreExactAndWrapLikeC() {
        Tensor i8 = Tensor.of(DType.INT8, new byte[] {-128, -5, 7}, 3);
        assertArrayEquals(new byte[] {-128, 5, 7}, run("Abs", i8).byteData());
        assertArrayEquals(new byte[] {-128, 5, -7}, run("Neg", i8).byteData());
        assertArrayEquals(new byte[] {-1, -1, 1}, run("Sign", i8).byteData());
        Tensor u64 = Tensor.of(DType.UINT64, new long[] {-1L, 0}, 2);
        assertArrayEquals(new long[] {-1L, 0}, run("Abs", u64).longData(), "uint64 max is positive");
        assertArrayEquals(new long[] {1, 0}, run("Sign", u64).longData());
        assertArrayEquals(new long[] {0, 9}, run("Relu", Tensor.of(new long[] {-4, 9}, 2)).longData());
    }

    @Test
    void transcendentalFunctions() {
        float[] y = floats("Exp", 0f, 1f, -1f);
        assertArrayEquals(new float[] {1f, (float) Math.E, (float) (1 / Math.E)}, y);
        assertArrayEquals(new float[] {0f, (float) Math.log(10)}, floats("Log", 1f, 10f));
        assertArrayEquals(new float[] {3f}, floats("Sqrt", 9f));
        assertArrayEquals(new float[] {(float) 0.8427007929497149}, floats("Erf", 1f));
        assertEquals((float) Math.log(2 + Math.sqrt(5)), floats("Asinh", 2f)[0]);
        assertEquals((float) Math.log(2 + Math.sqrt(3)), floats("Acosh", 2f)[0]);
        assertEquals((float) (0.5 * Math.log(3)), floats("Atanh", 0.5f)[0]);
        assertTrue(Float.isNaN(floats("Log", -1f)[0]));
    }

    @Test
    void halfPrecisionComputesInFloatAndRoundsBack() {
        short[] bits = {FloatFormats.floatToHalf(2f), FloatFormats.floatToHalf(-0.5f)};
        Tensor y = run("Exp", Tensor.of(DType.FLOAT16, bits, 2));
        assertEquals(DType.FLOAT16, y.dtype());
        assertArrayEquals(new short[] {FloatFormats.floatToHalf((float) Math.exp(2)), FloatFormats.floatToHalf((float) Math.exp(-0.5))},
                y.shortData());
        Tensor b = run("Neg", Tensor.of(DType.BFLOAT16, new short[] {FloatFormats.floatToBfloat16(1.5f)}, 1));
        assertEquals(-1.5f, FloatFormats.bfloat16ToFloat(b.shortData()[0]));
    }

    @Test
    void doubleComputesInDouble() {
        Tensor y = run("Sin", Tensor.of(new double[] {1e-3, 2}, 2));
        assertArrayEquals(new double[] {Math.sin(1e-3), Math.sin(2)}, y.doubleData());
    }

    @Test
    void wrongElementTypeIsAnInputErrorNamingTheOp() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("Exp", Tensor.of(new int[] {1}, 1)));
        assertTrue(e.getMessage().contains("Exp") && e.getMessage().contains("int32"), e.getMessage());
    }

    @Test
    void identityPassesAnyValueThrough() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        assertSame(x, run("Identity", x));
        TensorSequence s = new TensorSequence(DType.FLOAT, List.of(x));
        assertSame(s, KernelHarness.run(Node.builder("Identity").input("x").output("y").build(), s).get(0));
    }

    @Test
    void isNanAndIsInfClassifyEveryFloatType() {
        Tensor x = Tensor.of(new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY}, 4);
        assertArrayEquals(new boolean[] {true, false, false, false}, run("IsNaN", x).booleanData());
        assertArrayEquals(new boolean[] {false, true, false, true}, run("IsInf", x).booleanData());
        Node positiveOnly = Node.builder("IsInf").input("x").output("y").attr("detect_negative", 0L).build();
        assertArrayEquals(new boolean[] {false, false, false, true}, KernelHarness.runOne(positiveOnly, x).booleanData());
        Tensor f8 = Tensor.of(DType.FLOAT8E4M3FN, new byte[] {0x7F, 0x38}, 2);
        assertArrayEquals(new boolean[] {true, false}, run("IsNaN", f8).booleanData());
    }
}
