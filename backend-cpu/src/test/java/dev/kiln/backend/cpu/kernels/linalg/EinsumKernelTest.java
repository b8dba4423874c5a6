package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class EinsumKernelTest {
    private static Node einsum(String equation, int inputs) {
        Node.Builder b = Node.builder("Einsum").outputs("Y").attr("equation", equation);
        for (int i = 0; i < inputs; i++) {
            b.input("x" + i);
        }
        return b.build();
    }

    @Test
    void batchedMatrixProduct() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 1, 0, 0, 1}, 2, 2, 2);
        Tensor b = Tensor.of(new double[] {1, 1, 1, 1, 5, 6, 7, 8}, 2, 2, 2);
        Tensor y = KernelHarness.runOne(einsum("bij,bjk->bik", 2), a, b);
        assertArrayEquals(new double[] {3, 3, 7, 7, 5, 6, 7, 8}, y.doubleData());
    }

    @Test
    void traceDiagonalAndTranspose() {
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new double[] {5}, KernelHarness.runOne(einsum("ii", 1), m).doubleData());
        assertArrayEquals(new double[] {1, 4}, KernelHarness.runOne(einsum("ii->i", 1), m).doubleData());
        assertArrayEquals(new double[] {1, 3, 2, 4}, KernelHarness.runOne(einsum("ij->ji", 1), m).doubleData());
        assertArrayEquals(new double[] {3, 7}, KernelHarness.runOne(einsum("ij->i", 1), m).doubleData());
    }

    @Test
    void implicitOutputIsSortedSingleLabels() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = KernelHarness.runOne(einsum("ji", 1), a);
        assertEquals(Shape.of(3, 2), y.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, y.floatData());
    }

    @Test
    void ellipsisBroadcastsAndOuterProduct() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 1, 2);
        Tensor b = Tensor.of(new float[] {10, 100}, 2);
        Tensor y = KernelHarness.runOne(einsum("...i,i->...", 2), a, b);
        assertEquals(Shape.of(2, 1), y.shape());
        assertArrayEquals(new float[] {210, 430}, y.floatData());
        Tensor outer = KernelHarness.runOne(einsum("i,j->ij", 2), b, b);
        assertArrayEquals(new float[] {100, 1000, 1000, 10000}, outer.floatData());
    }

    @Test
    void threeOperandsAndIntegers() {
        Tensor v = Tensor.of(new long[] {1, 2}, 2);
        Tensor m = Tensor.of(new long[] {1, 2, 3, 4}, 2, 2);
        // v^T M v = [1,2] . [5, 11] = 27
        assertArrayEquals(new long[] {27}, KernelHarness.runOne(einsum("i,ij,j->", 3), v, m, v).longData());
    }

    @Test
    void rejectsMismatchedSizes() {
        Tensor a = Tensor.of(new float[6], 2, 3);
        Tensor b = Tensor.of(new float[4], 2, 2);
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(einsum("ij,jk->ik", 2), a, b));
    }
}
