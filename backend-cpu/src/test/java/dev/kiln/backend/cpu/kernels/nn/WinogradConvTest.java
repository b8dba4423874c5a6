package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conv shapes that take the Winograd F(2x2, 3x3) path (3x3, unit strides and dilations, one group, at least
 * 16 channels in and out, 32 tiles or more) against ONNX Runtime: odd output sizes that leave half tiles, more tiles than one batch of GEMMs takes (done in blocks), asymmetric and
 * large padding, batches, weights given at run time and as a constant (transformed once, reused), and the
 * neighbouring shapes that must fall back to im2col.
 */
class WinogradConvTest {
    private static final int OPSET = 22;
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-4;

    private static Tensor random(long... dims) {
        return NnOrtComparisonTest.random(dims);
    }

    private static long[] ints(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    @ParameterizedTest(name = "n={0} c={1} m={2} {3}x{4} pads={5}")
    @CsvSource({
        "1, 16, 16, 12, 12, 1 1 1 1",
        "2, 16, 24, 9, 7, 1 1 1 1",
        "1, 20, 16, 17, 13, 0 0 0 0",
        "3, 16, 17, 6, 10, 0 1 2 0",
        "1, 32, 16, 11, 11, 2 2 2 2",
        "8, 16, 16, 5, 5, 0 0 0 0",
        "4, 17, 33, 1, 15, 1 1 1 1",
        "1, 16, 16, 37, 35, 1 1 1 1",
        "2, 16, 20, 30, 21, 0 1 1 0",
    })
    void matchesOrt(long n, long c, long m, long h, long w, String pads) {
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("pads", ints(pads)).build();
        Tensor x = random(n, c, h, w);
        Tensor wt = random(m, c, 3, 3);
        Tensor b = random(m);
        KernelHarness.assertMatchesOrt(node, OPSET, RTOL, ATOL, x, wt, b);
        assertConstantWeightsMatchOrt(node, x, wt, b);
    }

    @Test
    void shapesAboveTakeTheWinogradPath() {
        assertTrue(WinogradConv.supports(window(12, 12, 1), 1));
        assertTrue(WinogradConv.supports(window(5, 5, 0), 8));
        assertTrue(WinogradConv.supports(window(28, 28, 1), 1));
        assertFalse(WinogradConv.supports(window(5, 5, 0), 1), "too few tiles");
        assertTrue(WinogradConv.supports(window(56, 56, 1), 1), "blocks of tiles");
    }

    private static Window window(int h, int w, int pad) {
        int[] p = {pad, pad};
        return new Window(new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, p, p,
                new int[] {h + 2 * pad - 2, w + 2 * pad - 2});
    }

    @Test
    void autoPadSameUpper() {
        Node node = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("auto_pad", "SAME_UPPER").build();
        KernelHarness.assertMatchesOrt(node, OPSET, RTOL, ATOL, random(2, 16, 7, 12), random(16, 16, 3, 3));
    }

    @ParameterizedTest(name = "fallback group={0} strides={1} dilations={2}")
    @CsvSource({
        "2, 1 1, 1 1",
        "1, 2 2, 1 1",
        "1, 1 1, 2 2",
        "1, 1 2, 1 1",
    })
    void neighbouringShapesFallBack(long group, String strides, String dilations) {
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group).attr("strides", ints(strides))
                .attr("dilations", ints(dilations)).attr("pads", 1, 1, 1, 1).build();
        Tensor x = random(2, 16, 9, 8);
        Tensor wt = random(16, 16 / group, 3, 3);
        Tensor b = random(16);
        KernelHarness.assertMatchesOrt(node, OPSET, RTOL, ATOL, x, wt, b);
        assertConstantWeightsMatchOrt(node, x, wt, b);
    }

    @Test
    void largeLayerAgreesWithIm2colPath() {
        // a ResNet stage-2 shape: Winograd against the same kernel kept on im2col + GEMM
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("pads", 1, 1, 1, 1).build();
        Tensor x = random(1, 128, 28, 28);
        Tensor wt = random(128, 128, 3, 3);
        Tensor b = random(128);
        Kernel fast = KernelHarness.compile(node, OPSET, Map.of(1, wt));
        Kernel plain;
        System.setProperty(ConvKernel.WINOGRAD_PROPERTY, "false");
        try {
            plain = KernelHarness.compile(node, OPSET, Map.of(1, wt));
        } finally {
            System.clearProperty(ConvKernel.WINOGRAD_PROPERTY);
        }
        List<Tensor> inputs = List.of(x, wt, b);
        Tensor expected = (Tensor) KernelHarness.execute(plain, node, OPSET, inputs).get(0);
        Tensor actual = (Tensor) KernelHarness.execute(fast, node, OPSET, inputs).get(0);
        TensorAssert.assertClose(expected, actual, RTOL, ATOL);
    }

    /** Compiles with W as a constant (the packed, transformed-once path), runs twice, compares with ORT. */
    private static void assertConstantWeightsMatchOrt(Node node, Tensor x, Tensor wt, Tensor b) {
        Kernel k = KernelHarness.compile(node, OPSET, Map.of(1, wt));
        List<Tensor> inputs = List.of(x, wt, b);
        Tensor expected = OrtReference.runNode(node, OPSET, inputs, List.of(DType.FLOAT)).get(0);
        for (int run = 0; run < 2; run++) {
            TensorAssert.assertClose(expected, (Tensor) KernelHarness.execute(k, node, OPSET, inputs).get(0), RTOL, ATOL);
        }
    }
}
