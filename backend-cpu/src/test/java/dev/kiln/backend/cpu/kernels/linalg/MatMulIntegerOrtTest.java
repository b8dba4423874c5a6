package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MatMulInteger against ONNX Runtime on random uint8/int8 operands, with and without zero points, batched. */
class MatMulIntegerOrtTest {
    private final Random random = new Random(11);

    private Tensor bytes(DType type, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        byte[] v = new byte[n];
        random.nextBytes(v);
        return Tensor.of(type, v, dims);
    }

    @Test
    void uint8TimesUint8WithZeroPoints() {
        Node n = Node.builder("MatMulInteger").inputs("A", "B", "a_zero_point", "b_zero_point").outputs("Y").build();
        KernelHarness.assertMatchesOrt(n, 10, 0, 0, bytes(DType.UINT8, 2, 5, 7), bytes(DType.UINT8, 7, 3),
                bytes(DType.UINT8), bytes(DType.UINT8));
    }

    @Test
    void uint8TimesInt8WithoutZeroPoints() {
        Node n = Node.builder("MatMulInteger").inputs("A", "B").outputs("Y").build();
        KernelHarness.assertMatchesOrt(n, 10, 0, 0, bytes(DType.UINT8, 6, 9), bytes(DType.INT8, 9, 4));
    }
}
