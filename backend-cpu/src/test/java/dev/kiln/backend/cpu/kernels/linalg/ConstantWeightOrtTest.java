package dev.kiln.backend.cpu.kernels.linalg;

import static dev.kiln.backend.cpu.kernels.linalg.ProductChecks.assertClose;
import static dev.kiln.backend.cpu.kernels.linalg.ProductChecks.paths;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MatMul, FusedMatMul and Gemm with a constant (initializer) weight, the case that packs it at compile time, on
 * both paths: the SIMD GEMM (panels; on whenever surefire runs with the Vector API) and OpenBLAS (a native copy,
 * forced by building the kernel with {@code simd = false}). Each is checked against ONNX Runtime on random inputs
 * with sizes that leave partial register tiles, several row blocks and several k blocks.
 */
class ConstantWeightOrtTest {
    private static final int OPSET = 20;
    private final Random random = new Random(5);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -1f, 1f, dims);
    }

    /** The two code paths: the SIMD GEMM where this JVM has it, and OpenBLAS. */

    private static CpuExecution execution() {
        return KernelHarness.backend().execution();
    }

    /** Surefire runs with the Vector API; on AVX-512 the constant weights then take the SIMD GEMM. */
    @Test
    void surefireRunsTheSimdPath() {
        assertEquals(null, Simd.disabledReason(), "the tests must cover the SIMD GEMM");
        Tensor w = RandomTensors.uniform(new Random(1), -1f, 1f, 20, 40);
        assertEquals(SimdGemm.preferred(), ConstantWeight.prepare(w, false, 20, 40, true).simd());
        assertEquals(false, ConstantWeight.prepare(w, false, 20, 40, false).simd());
        // too narrow for panels: stays with OpenBLAS
        assertEquals(false, ConstantWeight.prepare(random(20, 3), false, 20, 3, true).simd());
    }

    @Test
    void matMulWithBatchDimsOddSizesAndVectors() {
        long[][][] cases = {
            {{2, 3, 37, 50}, {50, 45}},
            {{203, 130}, {130, 70}},
            {{7, 900}, {900, 33}},
            {{1, 64}, {64, 96}},
            {{64}, {64, 40}},
            {{9, 30}, {30, 5}},
            {{4, 30}, {30}},
        };
        ProductChecks.eachMatMul(OPSET, cases, this::random, (node, w, simd) -> new MatMulKernel(request(node, w), execution(), simd));
    }

    @Test
    void fusedMatMulBiasAndActivations() {
        String[][] acts = {{"", ""}, {"Gelu", "none"}, {"Gelu", "tanh"}, {"Relu", ""}};
        long[][] shapes = {{2, 61, 96}, {1, 5, 200}, {130, 48}};
        for (long[] aDims : shapes) {
            int k = (int) aDims[aDims.length - 1];
            Tensor x = random(aDims);
            Tensor w = random(k, 100);
            Tensor b = random(100);
            for (String[] act : acts) {
                Node.Builder fb = Node.builder("FusedMatMul").domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "w", "b").output("y")
                        .attr("activation", act[0]);
                Node.Builder ab = act[0].isEmpty() ? null : Node.builder(act[0]).input("z").output("y");
                if (act[0].equals("Gelu")) {
                    fb.attr("approximate", act[1]);
                    ab.attr("approximate", act[1]);
                }
                Node fused = fb.build();
                Graph.Builder g = Graph.builder("chain").input("x", new ValueType.TensorType(DType.FLOAT, x.shape()))
                        .output("y", new ValueType.TensorType(DType.FLOAT, null)).initializer("w", w).initializer("b", b)
                        .node(Node.builder("MatMul").inputs("x", "w").output("p").build())
                        .node(Node.builder("Add").inputs("p", "b").output(ab == null ? "y" : "z").build());
                if (ab != null) {
                    g.node(ab.build());
                }
                Tensor ort = OrtReference.run(Model.builder(g.build()).opset("", OPSET).irVersion(9).build(), Map.of("x", x)).get("y");
                for (boolean simd : paths()) {
                    Kernel kernel = new FusedMatMulKernel(request(fused, w), execution(), simd);
                    assertClose(ort, KernelHarness.executeOne(kernel, fused, OPSET, List.of(x, w, b)),
                            "FusedMatMul " + Arrays.toString(aDims) + " " + Arrays.toString(act) + " simd=" + simd);
                }
            }
        }
    }

    @Test
    void gemmTransposesAlphaBetaAndBiasShapes() {
        int m = 101;
        int n = 70;
        ProductChecks.eachGemm(OPSET, m, 410, n, new long[][] {null, {n}, {m, n}, {m, 1}, {1}}, this::random,
                (node, b, inputs, ort, what) -> {
                    for (boolean simd : paths()) {
                        Kernel kernel = new GemmKernel(request(node, b), execution(), simd);
                        assertClose(ort, KernelHarness.executeOne(kernel, node, OPSET, inputs), what + " simd=" + simd);
                    }
                });
    }

    @Test
    void aReplacedWeightIsNotThePackedOne() {
        Node node = Node.builder("MatMul").inputs("A", "B").output("Y").build();
        Tensor w = random(30, 40);
        Tensor other = random(30, 40);
        Tensor a = random(6, 30);
        Tensor ort = OrtReference.runNode(node, OPSET, List.of(a, other), List.of(DType.FLOAT)).get(0);
        for (boolean simd : paths()) {
            Kernel k = new MatMulKernel(request(node, w), execution(), simd);
            assertClose(ort, KernelHarness.executeOne(k, node, OPSET, List.of(a, other)), "replaced weight simd=" + simd);
        }
    }

    private static KernelRequest request(Node node, Tensor constantB) {
        return new KernelRequest(node, OPSET, null, null, Map.of(1, constantB));
    }
}
