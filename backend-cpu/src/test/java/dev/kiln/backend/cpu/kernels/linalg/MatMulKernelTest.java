package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatMulKernelTest {
    private static final Node MATMUL = Node.builder("MatMul").inputs("A", "B").outputs("Y").build();

    @Test
    void multipliesMatrices() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertEquals(Shape.of(2, 2), y.shape());
        assertArrayEquals(new float[] {58, 64, 139, 154}, y.floatData());
    }

    @Test
    void vectorOperandsDropTheirUnitDimension() {
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor m = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor rowTimesMatrix = KernelHarness.runOne(MATMUL, v, m);
        assertEquals(Shape.of(2), rowTimesMatrix.shape());
        assertArrayEquals(new float[] {4, 5}, rowTimesMatrix.floatData());
        Tensor dot = KernelHarness.runOne(MATMUL, v, v);
        assertEquals(Shape.scalar(), dot.shape());
        assertEquals(14f, dot.floatData()[0]);
    }

    @Test
    void broadcastsBatchDimensions() {
        // A: 2 batches of 1x2, B: one 2x2 shared by both batches through a leading 1
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 1, 2);
        Tensor b = Tensor.of(new float[] {1, 10, 100, 1000}, 1, 2, 2);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertEquals(Shape.of(2, 1, 2), y.shape());
        assertArrayEquals(new float[] {201, 2010, 403, 4030}, y.floatData());
    }

    @Test
    void broadcastsSmallerBatchOfA() {
        Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 2, 2);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertEquals(Shape.of(2, 1, 2), y.shape());
        assertArrayEquals(new float[] {1, 2, 2, 4}, y.floatData());
    }

    @Test
    void usesPackedConstantWeightsAndStillAcceptsOtherValues() {
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        ConstantInputRuns kernel = new ConstantInputRuns(MATMUL, 13, Map.of(1, w));
        Tensor x = Tensor.of(new float[] {1, 1, 2, 0, 0, 1}, 3, 1, 2);
        assertArrayEquals(new float[] {4, 6, 2, 4, 3, 4}, kernel.run(x, w).floatData());
        Tensor other = Tensor.of(new float[] {0, 1, 1, 0}, 2, 2);
        assertArrayEquals(new float[] {1, 1, 0, 2, 1, 0}, kernel.run(x, other).floatData());
    }

    @Test
    void computesInDoublePrecision() {
        Tensor a = Tensor.of(new double[] {1e-9, 1}, 1, 2);
        Tensor b = Tensor.of(new double[] {1, 1e9}, 2, 1);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertEquals(DType.DOUBLE, y.dtype());
        assertEquals(1e9 + 1e-9, y.doubleData()[0], 0);
    }

    @Test
    void handlesHalfPrecisionThroughFloat() {
        short[] a = {FloatFormats.floatToHalf(1.5f), FloatFormats.floatToHalf(2f)};
        short[] b = {FloatFormats.floatToHalf(4f), FloatFormats.floatToHalf(-1f)};
        Tensor y = KernelHarness.runOne(MATMUL, Tensor.of(DType.FLOAT16, a, 1, 2), Tensor.of(DType.FLOAT16, b, 2, 1));
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(4f, y.getFloat(0));
    }

    @Test
    void multipliesIntegersWithWrapAround() {
        Tensor a = Tensor.of(new long[] {2, 3, Long.MAX_VALUE, 0}, 2, 2);
        Tensor b = Tensor.of(new long[] {5, 7}, 2, 1);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertArrayEquals(new long[] {31, Long.MAX_VALUE * 5}, y.longData());
        Tensor ai = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new int[] {7, 10, 15, 22}, KernelHarness.runOne(MATMUL, ai, ai).intData());
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        Tensor a = Tensor.zeros(DType.FLOAT, 2, 0);
        Tensor b = Tensor.zeros(DType.FLOAT, 0, 3);
        Tensor y = KernelHarness.runOne(MATMUL, a, b);
        assertArrayEquals(new float[6], y.floatData());
    }

    @Test
    void rejectsMismatchedInnerDimensions() {
        Tensor a = Tensor.of(new float[6], 2, 3);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(MATMUL, a, a));
        assertEquals(true, e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
