package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static List<Boolean> paths() {
        return Simd.enabled() ? List.of(true, false) : List.of(false);
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
        Node node = Node.builder("MatMul").inputs("A", "B").output("Y").build();
        for (long[][] c : cases) {
            Tensor a = random(c[0]);
            Tensor w = random(c[1]);
            Tensor ort = OrtReference.runNode(node, OPSET, List.of(a, w), List.of(DType.FLOAT)).get(0);
            for (boolean simd : paths()) {
                Kernel k = new MatMulKernel(request(node), KernelHarness.backend().execution(), simd);
                assertClose(ort, KernelHarness.executeOne(k, node, OPSET, List.of(a, w)), "MatMul " + Arrays.deepToString(c) + " simd=" + simd);
            }
        }
    }

    @Test
    void gemmTransposesAlphaBetaAndBias() {
        int m = 301;
        int k = 410;
        int n = 70;
        long[][] biasShapes = {null, {n}, {m, n}, {m, 1}};
        for (int transA = 0; transA <= 1; transA++) {
            for (int transB = 0; transB <= 1; transB++) {
                for (long[] biasShape : biasShapes) {
                    Tensor a = transA == 1 ? random(k, m) : random(m, k);
                    Tensor w = transB == 1 ? random(n, k) : random(k, n);
                    List<Tensor> inputs = new ArrayList<>(List.of(a, w));
                    Node.Builder nb = Node.builder("Gemm").output("Y").attr("transA", (long) transA).attr("transB", (long) transB)
                            .attr("alpha", 0.7f).attr("beta", 1.3f);
                    if (biasShape == null) {
                        nb.inputs("A", "B");
                    } else {
                        nb.inputs("A", "B", "C");
                        inputs.add(random(biasShape));
                    }
                    Node node = nb.build();
                    Tensor ort = OrtReference.runNode(node, OPSET, inputs, List.of(DType.FLOAT)).get(0);
                    for (boolean simd : paths()) {
                        Kernel kernel = new GemmKernel(request(node), KernelHarness.backend().execution(), simd);
                        assertClose(ort, KernelHarness.executeOne(kernel, node, OPSET, inputs), "Gemm transA=" + transA
                                + " transB=" + transB + " C=" + Arrays.toString(biasShape) + " simd=" + simd);
                    }
                }
            }
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        String d = TensorAssert.difference(expected, actual, 1e-4, 1e-4);
        if (d != null) {
            throw new AssertionError(what + ": " + d);
        }
    }
}
