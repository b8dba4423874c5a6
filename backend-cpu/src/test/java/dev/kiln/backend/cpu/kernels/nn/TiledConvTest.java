package dev.kiln.backend.cpu.kernels.nn;

import static dev.kiln.backend.cpu.kernels.nn.ConvKernelTest.random;
import static dev.kiln.backend.cpu.kernels.nn.ConvKernelTest.toFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Float Conv on images large enough for {@link TiledConv}: tiles that cross output rows, padding, strides, groups. */
class TiledConvTest {
    @ParameterizedTest(name = "group={0} stride={1} pad={2} dilation={3} kernel={4} {5}x{6}")
    @CsvSource({
        "1, 1, 1, 1, 3, 23, 29",
        "1, 2, 3, 1, 7, 45, 41",
        "2, 1, 2, 2, 3, 25, 21",
        "1, 2, 0, 1, 1, 44, 44",
        "1, 1, 0, 1, 3, 30, 31",
    })
    void matchesDirectConvolution(int group, int stride, int pad, int dilation, int k, int h, int w) {
        int n = 2;
        int c = 6;
        int m = 10;
        int oh = (h + 2 * pad - (k - 1) * dilation - 1) / stride + 1;
        int ow = (w + 2 * pad - (k - 1) * dilation - 1) / stride + 1;
        Window win = new Window(new int[] {h, w}, new int[] {k, k}, new int[] {stride, stride}, new int[] {dilation, dilation},
                new int[] {pad, pad}, new int[] {pad, pad}, new int[] {oh, ow});
        assertTrue(TiledConv.suits(new ConvKernel.Geometry(n, c, m, group, h * w, oh * ow, k * k)) && !win.isPointwise(),
                "the case must take the tiled path");
        Random r = new Random(h * 31 + w + k);
        double[] x = random(r, n * c * h * w);
        double[] wt = random(r, m * (c / group) * k * k);
        double[] bias = random(r, m);
        double[] expected = NaiveConvolution.conv2d(x, n, c, h, w, wt, m, k, k, bias, group, new int[] {stride, stride},
                new int[] {pad, pad}, new int[] {dilation, dilation}, oh, ow);
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group).attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad).attr("dilations", dilation, dilation).build();
        Tensor xt = Tensor.of(toFloats(x), n, c, h, w);
        Tensor wtt = Tensor.of(toFloats(wt), m, c / group, k, k);
        Tensor y = KernelHarness.runOne(node, xt, wtt, Tensor.of(toFloats(bias), m));
        assertArrayEquals(toFloats(expected), y.floatData(), 1e-4f);
        Tensor packed = new ConstantInputRuns(node, 22, Map.of(1, wtt)).run(xt, wtt, Tensor.of(toFloats(bias), m));
        assertArrayEquals(y.floatData(), packed.floatData(), 0f);
    }

    @Test
    void oneSpatialAxisMatchesTheSameRowAsAnImage() {
        Random r = new Random(5);
        float[] x = toFloats(random(r, 2 * 3 * 700));
        float[] w = toFloats(random(r, 4 * 3 * 5));
        Node node = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 2, 2).build();
        Tensor y1 = KernelHarness.runOne(node, Tensor.of(x, 2, 3, 700), Tensor.of(w, 4, 3, 5));
        Node node2 = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 0, 2, 0, 2).build();
        Tensor y2 = KernelHarness.runOne(node2, Tensor.of(x, 2, 3, 1, 700), Tensor.of(w, 4, 3, 1, 5));
        assertEquals(2 * 4 * 700, y1.size());
        assertArrayEquals(y2.floatData(), y1.floatData(), 1e-5f);
    }

    @Test
    void tilesCoverTheImageWithinTheBudgetAndGiveEveryThreadWork() {
        for (int outSize : new int[] {384, 785, 3136, 12544}) {
            for (int rows : new int[] {27, 147, 576, 4608}) {
                int tile = TiledConv.tileWidth(rows, outSize, 2);
                int tiles = (outSize + tile - 1) / tile;
                String what = outSize + " positions, " + rows + " rows: tile " + tile;
                assertTrue(tiles >= 2, what);
                assertTrue(tile <= Math.max(96, Math.min(1024, 384 * 1024 / (4 * rows))), what);
            }
        }
    }
}
