package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvTransposeKernelTest {
    @Test
    void oneDimensionalSpreadsEachInputOverTheKernel() {
        Node n = Node.builder("ConvTranspose").inputs("X", "W").outputs("Y").build();
        Tensor x = Tensor.of(new float[] {0, 1, 2}, 1, 1, 3);
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 1, 2, 3);
        Tensor y = KernelHarness.runOne(n, x, w);
        assertEquals(Shape.of(1, 2, 5), y.shape());
        assertArrayEquals(new float[] {0, 1, 3, 3, 2, 0, 1, 3, 3, 2}, y.floatData());
    }

    @Test
    void outputShapeAndOutputPaddingExtendTheEnd() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 1, 2);
        Tensor w = Tensor.of(new float[] {1, 1}, 1, 1, 2);
        Node padded = Node.builder("ConvTranspose").inputs("X", "W").outputs("Y").attr("strides", new long[] {3}).attr("output_padding", new long[] {1}).build();
        Node shaped = Node.builder("ConvTranspose").inputs("X", "W").outputs("Y").attr("strides", new long[] {3}).attr("output_shape", new long[] {6}).build();
        float[] expected = {1, 1, 0, 2, 2, 0};
        assertArrayEquals(expected, KernelHarness.runOne(padded, x, w).floatData());
        assertArrayEquals(expected, KernelHarness.runOne(shaped, x, w).floatData());
    }

    @Test
    void sameUpperPutsTheOddPaddingAtTheEnd() {
        // full output is 1*2... : in 3, stride 2, kernel 3 -> 7 wide, SAME wants 6: one element cut at the end
        Node n = Node.builder("ConvTranspose").inputs("X", "W").outputs("Y").attr("strides", new long[] {2}).attr("auto_pad", "SAME_UPPER").build();
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 1, 3);
        Tensor w = Tensor.of(new float[] {1, 10, 100}, 1, 1, 3);
        Tensor y = KernelHarness.runOne(n, x, w);
        assertArrayEquals(new float[] {1, 10, 102, 20, 203, 30}, y.floatData());
    }

    @ParameterizedTest(name = "group={0} stride={1} pad={2} dilation={3}")
    @CsvSource({"1, 1, 0, 1", "1, 2, 1, 1", "2, 2, 0, 2", "4, 3, 1, 1"})
    void matchesDirectScatter(int group, int stride, int pad, int dilation) {
        int n = 2;
        int c = 4;
        int m = 2 * group;
        int h = 4;
        int w = 5;
        int k = 3;
        Random r = new Random(group + 10L * stride + 100L * pad + 1000L * dilation);
        double[] x = ConvKernelTest.random(r, n * c * h * w);
        double[] wt = ConvKernelTest.random(r, c * (m / group) * k * k);
        int oh = stride * (h - 1) + (k - 1) * dilation + 1 - 2 * pad;
        int ow = stride * (w - 1) + (k - 1) * dilation + 1 - 2 * pad;
        double[] expected = NaiveConvolution.convTranspose2d(x, n, c, h, w, wt, m, k, k, group, new int[] {stride, stride},
                new int[] {pad, pad}, new int[] {dilation, dilation}, oh, ow);
        Node node = Node.builder("ConvTranspose").inputs("X", "W").outputs("Y").attr("group", group).attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad).attr("dilations", dilation, dilation).build();
        Tensor y = KernelHarness.runOne(node, Tensor.of(x, n, c, h, w), Tensor.of(wt, c, m / group, k, k));
        assertEquals(Shape.of(n, m, oh, ow), y.shape());
        assertArrayEquals(expected, y.doubleData(), 1e-12);
    }
}
