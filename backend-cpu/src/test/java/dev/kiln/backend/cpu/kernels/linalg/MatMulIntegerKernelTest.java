package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class MatMulIntegerKernelTest {
    private static final Node NODE = Node.builder("MatMulInteger").inputs("A", "B", "a_zero_point", "b_zero_point").outputs("Y").build();

    @Test
    void subtractsZeroPointsPerTensorAndPerColumn() {
        // uint8 200 with zero point 100 is 100; int8 -1 with zero points [0, 1] gives -1 and -2
        Tensor a = Tensor.of(DType.UINT8, new byte[] {(byte) 200, (byte) 101}, 1, 2);
        Tensor b = Tensor.of(DType.INT8, new byte[] {-1, -1, 2, 3}, 2, 2);
        Tensor aZero = Tensor.of(DType.UINT8, new byte[] {100}, 1);
        Tensor bZero = Tensor.of(DType.INT8, new byte[] {0, 1}, 2);
        Tensor y = KernelHarness.runOne(NODE, a, b, aZero, bZero);
        assertEquals(DType.INT32, y.dtype());
        assertArrayEquals(new int[] {100 * -1 + 1 * 2, 100 * -2 + 1 * 2}, y.intData());
    }

    @Test
    void zeroPointsAreOptional() {
        Node n = Node.builder("MatMulInteger").inputs("A", "B").outputs("Y").build();
        Tensor a = Tensor.of(DType.UINT8, new byte[] {(byte) 255, 1}, 1, 2);
        Tensor b = Tensor.of(DType.UINT8, new byte[] {(byte) 255, 2}, 2, 1);
        assertArrayEquals(new int[] {255 * 255 + 2}, KernelHarness.runOne(n, a, b).intData());
    }
}
