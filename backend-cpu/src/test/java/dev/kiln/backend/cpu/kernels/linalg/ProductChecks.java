package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What the ONNX Runtime comparisons of the GEMM kernels share: the paths to run, the tolerance, the MatMul and Gemm
 * case loops.
 */
final class ProductChecks {
    private ProductChecks() {
    }

    /** The kernel paths this JVM can run: SIMD and OpenBLAS with the Vector API, else OpenBLAS alone. */
    static List<Boolean> paths() {
        return Simd.enabled() ? List.of(true, false) : List.of(false);
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        String d = TensorAssert.difference(expected, actual, 1e-4, 1e-4);
        if (d != null) {
            throw new AssertionError(what + ": " + d);
        }
    }

    /** Builds the kernel under test for a MatMul node whose B operand is {@code w}, on the SIMD path or not. */
    interface MatMulKernels {
        Kernel build(Node node, Tensor w, boolean simd);
    }

    /**
     * Each {A dims, B dims} case of {@code cases} as a MatMul: A and B drawn from {@code random} in that order, the
     * kernel {@code kernels} builds run on every path of {@link #paths()}, its output within the tolerance of ONNX
     * Runtime's.
     */
    static void eachMatMul(int opset, long[][][] cases, Function<long[], Tensor> random, MatMulKernels kernels) {
        Node node = Node.builder("MatMul").inputs("A", "B").output("Y").build();
        for (long[][] c : cases) {
            Tensor a = random.apply(c[0]);
            Tensor w = random.apply(c[1]);
            Tensor ort = OrtReference.runNode(node, opset, List.of(a, w), List.of(DType.FLOAT)).get(0);
            for (boolean simd : paths()) {
                Kernel k = kernels.build(node, w, simd);
                assertClose(ort, KernelHarness.executeOne(k, node, opset, List.of(a, w)), "MatMul " + Arrays.deepToString(c) + " simd=" + simd);
            }
        }
    }

    /** One Gemm case: the node, its B operand, all its inputs, ONNX Runtime's output and a name for messages. */
    interface GemmCheck {
        void check(Node node, Tensor b, List<Tensor> inputs, Tensor expected, String what);
    }

    /**
     * Every transA/transB combination of an m x k by k x n Gemm with alpha 0.7 and beta 1.3, once per bias shape
     * (null: no C), inputs drawn from {@code random} in the order A, B, C, and ONNX Runtime's output passed along.
     */
    static void eachGemm(int opset, int m, int k, int n, long[][] biasShapes, Function<long[], Tensor> random, GemmCheck check) {
        for (int transA = 0; transA <= 1; transA++) {
            for (int transB = 0; transB <= 1; transB++) {
                for (long[] biasShape : biasShapes) {
                    Tensor a = random.apply(transA == 1 ? new long[] {k, m} : new long[] {m, k});
                    Tensor b = random.apply(transB == 1 ? new long[] {n, k} : new long[] {k, n});
                    List<Tensor> inputs = new ArrayList<>(List.of(a, b));
                    Node.Builder nb = Node.builder("Gemm").output("Y").attr("transA", (long) transA).attr("transB", (long) transB)
                            .attr("alpha", 0.7f).attr("beta", 1.3f);
                    if (biasShape == null) {
                        nb.inputs("A", "B");
                    } else {
                        nb.inputs("A", "B", "C");
                        inputs.add(random.apply(biasShape));
                    }
                    Node node = nb.build();
                    Tensor expected = OrtReference.runNode(node, opset, inputs, List.of(DType.FLOAT)).get(0);
                    check.check(node, b, inputs, expected,
                            "Gemm transA=" + transA + " transB=" + transB + " C=" + Arrays.toString(biasShape));
                }
            }
        }
    }
}
