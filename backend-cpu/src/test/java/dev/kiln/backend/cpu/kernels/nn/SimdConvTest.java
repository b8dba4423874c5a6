package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.kernels.linalg.LinalgKernels;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conv and FusedConv on the SIMD GEMM path ({@link SimdConv}) and on the OpenBLAS path, both in this JVM, against
 * ONNX Runtime: strides, pads, dilations, groups, 1x1/3x3/7x7, batch 2, odd sizes, ragged last panels, several
 * chunks of output positions, channel counts that are not a multiple of the GEMM's row tile, several row and k
 * blocks of the GEMM.
 */
class SimdConvTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-4;
    private static final int OPSET = 22;
    private static final CpuExecution EXECUTION = new CpuExecution(2);

    @AfterAll
    static void close() {
        EXECUTION.close();
    }

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} M={4} k={5} stride={6} pads={7} dilation={8} group={9}")
    @CsvSource({
        "1, 16, 14, 14, 32, 1, 1, 0 0 0 0, 1, 1",
        "2, 16, 13, 11, 24, 1, 2, 0 0 0 0, 1, 1",
        "1, 3, 37, 41, 16, 7, 2, 3 3 3 3, 1, 1",
        "2, 8, 9, 7, 12, 3, 1, 1 1 1 1, 1, 1",
        "1, 8, 15, 15, 20, 3, 2, 1 1 1 1, 1, 1",
        "1, 8, 12, 10, 12, 3, 1, 2 2 2 2, 2, 2",
        "2, 8, 9, 10, 16, 3, 2, 1 0 1 1, 1, 4",
        "1, 48, 9, 9, 100, 3, 1, 1 1 1 1, 1, 1",
        "1, 6, 5, 19, 7, 2, 3, 2 1 0 2, 2, 1",
        "1, 8, 7, 7, 8, 3, 1, 1 1 1 1, 1, 8",
        "1, 32, 20, 20, 20, 3, 1, 1 1 1 1, 1, 1",
        "2, 64, 21, 23, 9, 3, 1, 1 1 1 1, 1, 1",
        "1, 32, 28, 28, 16, 28, 1, 1 1 1 1, 1, 1",
        "16, 32, 14, 14, 32, 14, 1, 1 1 1 1, 1, 1",
    })
    void convMatchesOrtOnBothPaths(int n, int c, int h, int w, int m, int k, int stride, String pads, int dilation, int group) {
        Random r = new Random(n * 1000 + c * 100 + h * 10 + k + group);
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group).attr("strides", stride, stride)
                .attr("pads", NnOrtComparisonTest.ints(pads)).attr("dilations", dilation, dilation).build();
        Tensor x = random(r, n, c, h, w);
        Tensor wt = random(r, m, c / group, k, k);
        Tensor b = random(r, m);
        Tensor expected = ort(node, x, wt, b);
        assertClose(expected, conv(node, false).run(x, wt, b), node, "OpenBLAS path");
        assumeTrue(Simd.enabled(), Simd.describe());
        ConstantInputRuns simd = conv(node, true);
        assertClose(expected, simd.run(x, wt, b), node, "SIMD path");
        // the second run reuses the first run's panels: stale values must not leak into it
        Tensor x2 = random(r, n, c, h, w);
        assertClose(ort(node, x2, wt, b), simd.run(x2, wt, b), node, "SIMD path, second run");
    }

    @Test
    void oneKernelFollowsChangingInputSizes() {
        assumeTrue(Simd.enabled(), Simd.describe());
        Random r = new Random(7);
        Node node = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 1, 1, 1, 1).build();
        ConstantInputRuns simd = conv(node, true);
        Tensor wt = random(r, 10, 4, 3, 3);
        for (int size : new int[] {12, 5, 12, 33}) {
            Tensor x = random(r, 1, 4, size, size + 1);
            assertClose(ort(node, x, wt), simd.run(x, wt), node, "size " + size);
        }
    }

    @ParameterizedTest(name = "residual={0} activation={1} k={2} stride={3} C={4}")
    @CsvSource({
        "true, Relu, 3, 1, 6",
        "true, '', 1, 1, 6",
        "false, Relu, 3, 2, 6",
        "false, '', 7, 2, 6",
        "true, Relu, 3, 1, 40",
    })
    void fusedConvAddsBiasResidualAndActivationOnBothPaths(boolean residual, String activation, int k, int stride, int c) {
        Random r = new Random(k * 10 + stride + (residual ? 100 : 0));
        int pad = k / 2;
        Node.Builder conv = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad);
        Node.Builder fused = Node.builder(FusedConvKernel.OP).domain(LinalgKernels.FUSED_DOMAIN).outputs("Y")
                .attr("strides", stride, stride).attr("pads", pad, pad, pad, pad).attr("activation", activation);
        fused = residual ? fused.inputs("X", "W", "B", "Z") : fused.inputs("X", "W", "B");
        Tensor x = random(r, 2, c, 17, 15);
        Tensor wt = random(r, 40, c, k, k);
        Tensor b = random(r, 40);
        Tensor y = ort(conv.build(), x, wt, b);
        Tensor z = random(r, y.dims());
        float[] expected = y.floatData().clone();
        for (int i = 0; i < expected.length; i++) {
            float v = expected[i] + (residual ? z.floatData()[i] : 0f);
            expected[i] = activation.isEmpty() ? v : Math.max(0f, v);
        }
        Tensor want = Tensor.of(expected, y.dims());
        Node node = fused.build();
        Tensor[] inputs = residual ? new Tensor[] {x, wt, b, z} : new Tensor[] {x, wt, b};
        assertClose(want, fusedConv(node, false).run(inputs), node, "OpenBLAS path");
        assumeTrue(Simd.enabled(), Simd.describe());
        assertClose(want, fusedConv(node, true).run(inputs), node, "SIMD path");
    }

    private static ConstantInputRuns conv(Node node, boolean simd) {
        return new ConstantInputRuns(node, new ConvKernel(KernelRequest.of(node, OPSET), EXECUTION, simd));
    }

    private static ConstantInputRuns fusedConv(Node node, boolean simd) {
        return new ConstantInputRuns(node, new FusedConvKernel(KernelRequest.of(node, OPSET), EXECUTION, simd));
    }

    private static Tensor ort(Node node, Tensor... inputs) {
        return OrtReference.runNode(node, OPSET, List.of(inputs), List.of(DType.FLOAT)).get(0);
    }

    private static void assertClose(Tensor expected, Tensor actual, Node node, String path) {
        assertEquals(expected.shape(), actual.shape(), path);
        String d = TensorAssert.difference(expected, actual, RTOL, ATOL);
        if (d != null) {
            throw new AssertionError(node.describe() + " on the " + path + " differs from ONNX Runtime: " + d);
        }
    }

    /** A tensor of these dimensions, uniform in [-1, 1). */
    static Tensor random(Random r, long... dims) {
        int size = 1;
        for (long d : dims) {
            size *= (int) d;
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }
}
