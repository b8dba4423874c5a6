package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvKernelTest {
    private static final float[] RAMP = new float[25];

    static {
        for (int i = 0; i < 25; i++) {
            RAMP[i] = i;
        }
    }

    private static Tensor ones(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        Arrays.fill(v, 1f);
        return Tensor.of(v, dims);
    }

    @Test
    void paddedThreeByThreeSumsNeighbourhoods() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("kernel_shape", 3, 3).attr("pads", 1, 1, 1, 1).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(RAMP, 1, 1, 5, 5), ones(1, 1, 3, 3));
        assertEquals(Shape.of(1, 1, 5, 5), y.shape());
        assertArrayEquals(new float[] {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111,
                72, 111, 117, 123, 84}, y.floatData());
    }

    @Test
    void autoPadSameLowerWithStrides() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("auto_pad", "SAME_LOWER").attr("strides", 2, 2).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(RAMP, 1, 1, 5, 5), ones(1, 1, 3, 3));
        assertArrayEquals(new float[] {12, 27, 24, 63, 108, 81, 72, 117, 84}, y.floatData());
    }

    @Test
    void asymmetricPaddingWithStrides() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 1, 0, 1, 0).attr("strides", 2, 2).build();
        float[] x = new float[35];
        for (int i = 0; i < 35; i++) {
            x[i] = i;
        }
        Tensor y = KernelHarness.runOne(n, Tensor.of(x, 1, 1, 7, 5), ones(1, 1, 3, 3));
        assertEquals(Shape.of(1, 1, 4, 2), y.shape());
        assertArrayEquals(new float[] {21, 33, 99, 117, 189, 207, 171, 183}, y.floatData());
    }

    @ParameterizedTest(name = "group={0} strides={1} pads={2} dilation={3} kernel={4}")
    @CsvSource({
        "1, 1, 0, 1, 1",
        "1, 1, 1, 1, 3",
        "1, 2, 1, 1, 3",
        "2, 1, 2, 2, 3",
        "4, 2, 1, 1, 3",
        "8, 1, 1, 1, 3",
        "8, 2, 0, 1, 1",
        "1, 3, 2, 2, 2",
    })
    void matchesDirectConvolution(int group, int stride, int pad, int dilation, int k) {
        int n = 2;
        int c = 8;
        int m = group == c ? c : 12;
        int h = 9;
        int w = 7;
        Random r = new Random(group * 31 + stride * 7 + pad * 3 + dilation + k);
        double[] x = random(r, n * c * h * w);
        double[] wt = random(r, m * (c / group) * k * k);
        double[] bias = random(r, m);
        int[] s = {stride, stride};
        int[] p = {pad, pad};
        int[] d = {dilation, dilation};
        int oh = (h + 2 * pad - (k - 1) * dilation - 1) / stride + 1;
        int ow = (w + 2 * pad - (k - 1) * dilation - 1) / stride + 1;
        double[] expected = NaiveConvolution.conv2d(x, n, c, h, w, wt, m, k, k, bias, group, s, p, d, oh, ow);
        Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group).attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad).attr("dilations", dilation, dilation).build();
        Tensor yd = KernelHarness.runOne(node, Tensor.of(x, n, c, h, w), Tensor.of(wt, m, c / group, k, k), Tensor.of(bias, m));
        assertEquals(Shape.of(n, m, oh, ow), yd.shape());
        assertArrayEquals(expected, yd.doubleData(), 1e-12);
        Tensor yf = KernelHarness.runOne(node, Tensor.of(toFloats(x), n, c, h, w), Tensor.of(toFloats(wt), m, c / group, k, k),
                Tensor.of(toFloats(bias), m));
        assertArrayEquals(toFloats(expected), yf.floatData(), 1e-4f);
        Tensor packed = new ConstantInputRuns(node, 22, Map.of(1, Tensor.of(toFloats(wt), m, c / group, k, k)))
                .run(Tensor.of(toFloats(x), n, c, h, w), Tensor.of(toFloats(wt), m, c / group, k, k), Tensor.of(toFloats(bias), m));
        assertArrayEquals(yf.floatData(), packed.floatData(), 0f);
    }

    @Test
    void convolvesOneAndThreeSpatialDimensions() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").build();
        Tensor y1 = KernelHarness.runOne(n, Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4), Tensor.of(new float[] {1, -1}, 1, 1, 2));
        assertArrayEquals(new float[] {-1, -1, -1}, y1.floatData());
        float[] cube = new float[27];
        for (int i = 0; i < 27; i++) {
            cube[i] = i;
        }
        Tensor y3 = KernelHarness.runOne(n, Tensor.of(cube, 1, 1, 3, 3, 3), ones(1, 1, 2, 2, 2));
        assertEquals(Shape.of(1, 1, 2, 2, 2), y3.shape());
        // each 2x2x2 block sums 8 values averaging the block centre: first block is 0+1+3+4+9+10+12+13
        assertEquals(52f, y3.floatData()[0]);
        assertEquals(52f + 8 * 13, y3.floatData()[7]);
    }

    @Test
    void halfPrecisionComputesThroughFloat() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 1, 1, 1, 1).build();
        short[] x = new short[25];
        for (int i = 0; i < 25; i++) {
            x[i] = FloatFormats.floatToHalf(i);
        }
        short[] w = new short[9];
        Arrays.fill(w, FloatFormats.floatToHalf(1f));
        Tensor y = KernelHarness.runOne(n, Tensor.of(DType.FLOAT16, x, 1, 1, 5, 5),
                Tensor.of(DType.FLOAT16, w, 1, 1, 3, 3));
        assertEquals(DType.FLOAT16, y.dtype());
        assertArrayEquals(new float[] {12, 21, 27, 33, 24}, Arrays.copyOf(y.toFloatArray(), 5));
    }

    @Test
    void rejectsChannelMismatch() {
        Node n = Node.builder("Conv").inputs("X", "W").outputs("Y").build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> KernelHarness.runOne(n, Tensor.of(new float[18], 1, 2, 3, 3), ones(1, 3, 1, 1)));
        assertEquals(true, e.getMessage().contains("W"), e.getMessage());
    }

    static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return v;
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
