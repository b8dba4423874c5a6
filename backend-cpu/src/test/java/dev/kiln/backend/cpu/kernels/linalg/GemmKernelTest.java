package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GemmKernelTest {
    private static Node gemm(long transA, long transB, float alpha, float beta) {
        return Node.builder("Gemm").inputs("A", "B", "C").outputs("Y")
                .attr("transA", transA).attr("transB", transB).attr("alpha", alpha).attr("beta", beta).build();
    }

    @Test
    void appliesTransposesAlphaAndBroadcastRowBias() {
        // A^T = [[1, 2], [3, 4]], B^T = [[1, 0], [1, 1]]; A^T B^T = [[3, 2], [7, 4]]
        Tensor a = Tensor.of(new float[] {1, 3, 2, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {1, 1, 0, 1}, 2, 2);
        Tensor c = Tensor.of(new float[] {10, 20}, 2);
        Tensor y = KernelHarness.runOne(gemm(1, 1, 2f, 0.5f), a, b, c);
        assertArrayEquals(new float[] {11, 14, 19, 18}, y.floatData());
    }

    @Test
    void broadcastsColumnAndScalarBias() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2, 1);
        Tensor b = Tensor.of(new float[] {3, 4}, 1, 2);
        Tensor column = Tensor.of(new float[] {100, 200}, 2, 1);
        assertArrayEquals(new float[] {103, 104, 206, 208}, KernelHarness.runOne(gemm(0, 0, 1f, 1f), a, b, column).floatData());
        Tensor scalar = Tensor.scalar(1f);
        assertArrayEquals(new float[] {4, 5, 7, 9}, KernelHarness.runOne(gemm(0, 0, 1f, 1f), a, b, scalar).floatData());
    }

    @Test
    void worksWithoutBiasInDouble() {
        Node n = Node.builder("Gemm").inputs("A", "B").outputs("Y").build();
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        Tensor b = Tensor.of(new double[] {1, 2, 3}, 3, 1);
        assertArrayEquals(new double[] {14}, KernelHarness.runOne(n, a, b).doubleData());
    }

    @Test
    void packedConstantBHonoursTransB() {
        Node n = gemm(0, 1, 1f, 1f);
        Tensor b = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        ConstantInputRuns kernel = new ConstantInputRuns(n, 13, Map.of(1, b));
        Tensor a = Tensor.of(new float[] {1, 1}, 1, 2);
        assertArrayEquals(new float[] {3, 7, 11}, kernel.run(a, b, Tensor.scalar(0f)).floatData());
    }

    @Test
    void integerGemm() {
        Tensor a = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        Tensor c = Tensor.of(new int[] {1, 1}, 2);
        assertArrayEquals(new int[] {8, 11, 16, 23}, KernelHarness.runOne(gemm(0, 0, 1f, 1f), a, a, c).intData());
    }

    @Test
    void rejectsBiasThatDoesNotBroadcast() {
        Tensor a = Tensor.of(new float[4], 2, 2);
        Tensor c = Tensor.of(new float[3], 3);
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(gemm(0, 0, 1f, 1f), a, a, c));
    }
}
