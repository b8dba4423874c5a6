package dev.kiln.backend.cpu.kernels.linalg;

import static dev.kiln.backend.cpu.kernels.linalg.ProductChecks.assertClose;
import static dev.kiln.backend.cpu.kernels.linalg.ProductChecks.paths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.RandomTensors;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MatMul and Gemm whose B is not constant (a training graph feeds its weights as inputs), on both paths: packed per
 * call for the SIMD GEMM (where {@link SimdProducts#suits}) and OpenBLAS ({@code simd = false}), against ONNX
 * Runtime, with sizes past the SIMD threshold that leave partial register tiles, several row and k blocks.
 */
class ChangingOperandsOrtTest {
    private static final int OPSET = 20;
    private final Random random = new Random(9);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -1f, 1f, dims);
    }

    private static KernelRequest request(Node node) {
        return new KernelRequest(node, OPSET, null, null, Map.of());
    }

    @Test
    void thresholdsPickTheTrainingShapes() {
        if (!Simd.enabled()) {
            return;
        }
        assertEquals(SimdGemm.preferred(), SimdProducts.suits(false, 1024, 384, 384));
        assertFalse(SimdProducts.suits(true, 384, 384, 1024));
        assertFalse(SimdProducts.suits(false, 128, 128, 32));
    }

    @Test
    void batchedRowsTimesAChangingWeight() {
        long[][][] cases = {{{2, 150, 130}, {130, 70}}, {{300, 420}, {420, 100}}, {{3, 100, 64}, {64, 64}}, {{7, 90}, {90, 33}}};
        ProductChecks.eachMatMul(OPSET, cases, this::random, (node, w, simd) -> new MatMulKernel(request(node), KernelHarness.backend().execution(), simd));
    }

    @Test
    void gemmTransposesAlphaBetaAndBias() {
        int m = 301;
        int n = 70;
        ProductChecks.eachGemm(OPSET, m, 410, n, new long[][] {null, {n}, {m, n}, {m, 1}}, this::random, (node, b, inputs, ort, what) -> {
            for (boolean simd : paths()) {
                Kernel kernel = new GemmKernel(request(node), KernelHarness.backend().execution(), simd);
                assertClose(ort, KernelHarness.executeOne(kernel, node, OPSET, inputs), what + " simd=" + simd);
            }
        });
    }
}
