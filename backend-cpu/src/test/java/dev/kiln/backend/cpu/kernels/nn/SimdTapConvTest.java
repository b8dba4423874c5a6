package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.math.FloatActivations;
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
 * The two SIMD convolution paths called directly, against ONNX Runtime: {@link SimdTapConv} (phase planes, no
 * im2col) and {@link SimdConv} (im2col into panels), over strides (also unequal and larger than the kernel), pads
 * (asymmetric), dilations, groups, 1-D, 1x1/3x3/5x5/7x7, batch 2, odd sizes, row counts that are not a multiple of
 * the register tile, several k blocks, a grid of more column groups than two threads' chunks, a bias + residual epilogue, and the one-pass bias + residual + Relu
 * epilogue ({@link dev.kiln.backend.cpu.simd.SimdConvRows}); one and two threads.
 */
class SimdTapConvTest {
    private static final double TOL = 1e-4;
    private static final int OPSET = 22;
    private static final CpuExecution ONE = new CpuExecution(1);
    private static final CpuExecution TWO = new CpuExecution(2);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
    }

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} M={4} k={5}x{6} strides={7} pads={8} dilations={9} group={10}")
    @CsvSource({
        "1, 16, 14, 14, 32, 3, 3, 1 1, 1 1 1 1, 1 1, 1",
        "2, 8, 13, 11, 24, 3, 3, 2 2, 1 1 1 1, 1 1, 1",
        "1, 3, 37, 41, 16, 7, 7, 2 2, 3 3 3 3, 1 1, 1",
        "1, 3, 38, 40, 16, 7, 7, 2 2, 3 3 2 2, 1 1, 1",
        "1, 8, 15, 15, 20, 1, 1, 2 2, 0 0 0 0, 1 1, 1",
        "1, 8, 12, 10, 12, 3, 3, 1 1, 2 2 2 2, 2 2, 2",
        "2, 8, 9, 10, 16, 3, 3, 2 1, 1 0 1 1, 1 1, 4",
        "1, 48, 9, 9, 100, 3, 3, 1 1, 1 1 1 1, 1 1, 1",
        "1, 6, 5, 19, 7, 2, 3, 1 3, 2 1 0 2, 2 1, 1",
        "1, 5, 17, 16, 9, 5, 5, 3 3, 2 2 2 2, 1 2, 1",
        "1, 4, 11, 12, 8, 2, 2, 3 3, 0 0 0 0, 1 1, 1",
        "1, 64, 7, 7, 24, 3, 3, 1 1, 1 1 1 1, 1 1, 1",
        "1, 40, 14, 14, 16, 3, 3, 1 1, 1 1 1 1, 1 1, 1",
        "2, 7, 23, 21, 13, 3, 3, 1 1, 0 1 2 0, 1 1, 1",
        "2, 6, 17, 15, 40, 3, 3, 2 2, 1 1 1 1, 1 1, 1",
        "1, 4, 60, 60, 20, 3, 3, 1 1, 1 1 1 1, 1 1, 1",
    })
    void bothPathsMatchOrt(int n, int c, int h, int w, int m, int kh, int kw, String strides, String pads, String dilations,
                           int group) {
        assumeTrue(Simd.enabled(), Simd.describe());
        Random r = new Random(n * 1000 + c * 100 + h * 10 + kh + kw + group);
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group)
                .attr("strides", NnOrtComparisonTest.ints(strides)).attr("pads", NnOrtComparisonTest.ints(pads))
                .attr("dilations", NnOrtComparisonTest.ints(dilations)).build();
        Tensor x = SimdConvTest.random(r, n, c, h, w);
        Tensor wt = SimdConvTest.random(r, m, c / group, kh, kw);
        Tensor b = SimdConvTest.random(r, m);
        Tensor expected = ort(node, x, wt, b);
        Window win = WindowAttributes.of(node, OPSET).resolve(new int[] {h, w}, new int[] {kh, kw});
        assertEquals(kh * kw > 1, SimdTapConv.applies(win), "the tap path takes windows of more than one tap: " + node.describe());
        ConvKernel.Geometry g = new ConvKernel.Geometry(n, c, m, group, win.inSize(), win.outSize(), win.kernelSize());
        ConvEpilogue bias = new ConvEpilogue(b.floatData(), null, null);
        for (CpuExecution ex : List.of(ONE, TWO)) {
            float[] tap = garbage(expected.size());
            SimdTapConv.convolve(g, win, x.floatData(), wt.floatData(), tap, bias, ex);
            assertClose(expected, tap, node + " tap path, threads " + ex.threads());
            float[] panels = garbage(expected.size());
            SimdConv.convolve(g, win, x.floatData(), wt.floatData(), panels, bias, ex);
            assertClose(expected, panels, node + " im2col path, threads " + ex.threads());
        }
    }

    @Test
    void oneDimensionalConvAndResidualEpilogue() {
        assumeTrue(Simd.enabled(), Simd.describe());
        Random r = new Random(3);
        Node node = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("strides", new long[] {2}).attr("pads", 2, 1).build();
        Tensor x = SimdConvTest.random(r, 2, 6, 50);
        Tensor wt = SimdConvTest.random(r, 11, 6, 5);
        Tensor y = ort(node, x, wt);
        Tensor z = SimdConvTest.random(r, y.dims());
        float[] expected = y.floatData().clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] += z.floatData()[i];
        }
        Window win = WindowAttributes.of(node, OPSET).resolve(new int[] {50}, new int[] {5});
        assertTrue(SimdTapConv.applies(win));
        ConvKernel.Geometry g = new ConvKernel.Geometry(2, 6, 11, 1, win.inSize(), win.outSize(), win.kernelSize());
        float[] out = garbage(expected.length);
        SimdTapConv.convolve(g, win, x.floatData(), wt.floatData(), out, new ConvEpilogue(null, z.floatData(), null), TWO);
        assertClose(Tensor.of(expected, y.dims()), out, "1-D conv + residual");
    }

    @ParameterizedTest(name = "C={0} {1}x{1} M={2} stride={3} residual={4}")
    @CsvSource({"16, 14, 24, 1, true", "5, 23, 13, 2, true", "8, 9, 17, 1, false", "3, 31, 8, 2, false"})
    void reluEpilogueInOneVectorPassMatchesOrtAndTheGenericPass(int c, int h, int m, int stride, boolean residual) {
        assumeTrue(Simd.enabled(), Simd.describe());
        Random r = new Random(c * 31 + h + m + stride);
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("strides", stride, stride)
                .attr("pads", 1, 1, 1, 1).build();
        Tensor x = SimdConvTest.random(r, 2, c, h, h);
        Tensor wt = SimdConvTest.random(r, m, c, 3, 3);
        Tensor b = SimdConvTest.random(r, m);
        Tensor y = ort(node, x, wt, b);
        float[] z = residual ? SimdConvTest.random(r, y.dims()).floatData() : null;
        float[] expected = y.floatData().clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Math.max(0f, expected[i] + (z == null ? 0f : z[i]));
        }
        Window win = WindowAttributes.of(node, OPSET).resolve(new int[] {h, h}, new int[] {3, 3});
        ConvKernel.Geometry g = new ConvKernel.Geometry(2, c, m, 1, win.inSize(), win.outSize(), win.kernelSize());
        FloatActivations.InPlace relu = FloatActivations.of("Relu", Node.builder("Relu").inputs("X").outputs("Y").build()).orElseThrow();
        for (CpuExecution ex : List.of(ONE, TWO)) {
            float[] fused = garbage(expected.length);
            SimdTapConv.convolve(g, win, x.floatData(), wt.floatData(), fused, new ConvEpilogue(b.floatData(), z, relu, true), ex);
            assertClose(Tensor.of(expected, y.dims()), fused, "conv + bias + residual + Relu, one pass, threads " + ex.threads());
            float[] generic = garbage(expected.length);
            SimdTapConv.convolve(g, win, x.floatData(), wt.floatData(), generic, new ConvEpilogue(b.floatData(), z, relu), ex);
            // same sums in the same order: the one-pass epilogue must not change a bit
            org.junit.jupiter.api.Assertions.assertArrayEquals(generic, fused, "one-pass against copy-then-epilogue");
        }
    }

    @Test
    void declinesWindowsWhoseGridRowsAreMostlyDropped() {
        Node wide = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 4, 4, 4, 4).build();
        assertFalse(SimdTapConv.applies(WindowAttributes.of(wide, OPSET).resolve(new int[] {3, 3}, new int[] {9, 9})));
        Node volume = Node.builder("Conv").inputs("X", "W").outputs("Y").build();
        assertFalse(SimdTapConv.applies(WindowAttributes.of(volume, OPSET).resolve(new int[] {4, 4, 4}, new int[] {3, 3, 3})));
    }

    private static void assertClose(Tensor expected, float[] actual, String what) {
        String d = TensorAssert.difference(expected, Tensor.of(actual, expected.dims()), TOL, TOL);
        if (d != null) {
            throw new AssertionError(what + " differs from ONNX Runtime: " + d);
        }
        assertEquals(expected.size(), actual.length);
    }

    private static Tensor ort(Node node, Tensor... inputs) {
        return OrtReference.runNode(node, OPSET, List.of(inputs), List.of(DType.FLOAT)).get(0);
    }

    /** An output array full of NaN: every element the path fails to write shows up. */
    private static float[] garbage(int size) {
        float[] v = new float[size];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }
}
