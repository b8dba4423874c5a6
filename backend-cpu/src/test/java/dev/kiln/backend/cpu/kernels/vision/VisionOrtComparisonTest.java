package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vision kernels against ONNX Runtime on random inputs, over modes and attribute variants. */
class VisionOrtComparisonTest {
    private static final Random RANDOM = new Random(5);
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    static Tensor random(double lo, double hi, long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + RANDOM.nextDouble() * (hi - lo));
        }
        return Tensor.of(v, dims);
    }

    @ParameterizedTest(name = "mode={0} padding={1} align={2}")
    @CsvSource({
        "linear, zeros, 0", "linear, border, 1", "linear, reflection, 0", "linear, reflection, 1",
        "nearest, zeros, 1", "nearest, border, 0", "nearest, reflection, 0",
        "cubic, zeros, 0", "cubic, border, 1", "cubic, reflection, 0",
    })
    void gridSample2d(String mode, String padding, long align) {
        Node n = Node.builder("GridSample").inputs("X", "G").output("Y").attr("mode", mode).attr("padding_mode", padding)
                .attr("align_corners", align).build();
        KernelHarness.assertMatchesOrt(n, 20, RTOL, ATOL, random(-1, 1, 2, 3, 7, 9), random(-1.4, 1.4, 2, 5, 6, 2));
    }

    @ParameterizedTest(name = "mode={0} align={1}")
    @CsvSource({"linear, 0", "linear, 1", "nearest, 0", "nearest, 1"})
    void gridSample3d(String mode, long align) {
        Node n = Node.builder("GridSample").inputs("X", "G").output("Y").attr("mode", mode).attr("align_corners", align).build();
        KernelHarness.assertMatchesOrt(n, 20, RTOL, ATOL, random(-1, 1, 1, 2, 4, 5, 6), random(-1.2, 1.2, 1, 3, 4, 2, 3));
    }

    @Test
    void gridSampleOpset16Bilinear() {
        Node n = Node.builder("GridSample").inputs("X", "G").output("Y").attr("mode", "bicubic").build();
        KernelHarness.assertMatchesOrt(n, 16, RTOL, ATOL, random(-1, 1, 1, 2, 5, 5), random(-1.1, 1.1, 1, 4, 4, 2));
    }

    @ParameterizedTest(name = "align={0}")
    @CsvSource({"0", "1"})
    void affineGrid(long align) {
        Node n = Node.builder("AffineGrid").inputs("theta", "size").output("grid").attr("align_corners", align).build();
        KernelHarness.assertMatchesOrt(n, 20, RTOL, ATOL, random(-1, 1, 2, 2, 3), Tensor.of(new long[] {2, 3, 5, 7}, 4));
        KernelHarness.assertMatchesOrt(n, 20, RTOL, ATOL, random(-1, 1, 2, 3, 4), Tensor.of(new long[] {2, 1, 3, 4, 5}, 5));
    }

    @ParameterizedTest(name = "center_point_box={0}")
    @CsvSource({"0", "1"})
    void nonMaxSuppression(long centerPointBox) {
        float[] boxes = new float[2 * 40 * 4];
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] = RANDOM.nextFloat() * 10;
            boxes[i + 1] = RANDOM.nextFloat() * 10;
            boxes[i + 2] = centerPointBox == 1 ? 1 + RANDOM.nextFloat() * 4 : RANDOM.nextFloat() * 10;
            boxes[i + 3] = centerPointBox == 1 ? 1 + RANDOM.nextFloat() * 4 : RANDOM.nextFloat() * 10;
        }
        Node n = Node.builder("NonMaxSuppression").inputs("b", "s", "max", "iou", "score").output("sel")
                .attr("center_point_box", centerPointBox).build();
        KernelHarness.assertMatchesOrt(n, 11, 0, 0, Tensor.of(boxes, 2, 40, 4), random(0, 1, 2, 3, 40), Tensor.of(new long[] {6}, 1),
                Tensor.of(new float[] {0.3f}, 1), Tensor.of(new float[] {0.2f}, 1));
    }

    @Test
    void centerCropPad() {
        Node all = Node.builder("CenterCropPad").inputs("x", "s").output("y").build();
        KernelHarness.assertMatchesOrt(all, 18, 0, 0, random(-1, 1, 5, 8, 3), Tensor.of(new long[] {8, 5, 3}, 3));
        Node axes = Node.builder("CenterCropPad").inputs("x", "s").output("y").attr("axes", -3, -2).build();
        KernelHarness.assertMatchesOrt(axes, 18, 0, 0, random(-1, 1, 7, 6, 3), Tensor.of(new long[] {4, 9}, 2));
    }

    @ParameterizedTest(name = "strides={0} dilations={1} pads={2}")
    @CsvSource({"1 1, 1 1, 0 0 0 0", "2 1, 1 2, 1 0 1 2", "1 2, 2 1, 2 1 0 1"})
    void col2Im(String strides, String dilations, String pads) {
        Node n = Node.builder("Col2Im").inputs("x", "img", "blk").output("y").attr("strides", ints(strides))
                .attr("dilations", ints(dilations)).attr("pads", ints(pads)).build();
        long[] s = ints(strides);
        long[] d = ints(dilations);
        long[] p = ints(pads);
        long oh = (9 + p[0] + p[2] - (d[0] * 2 + 1)) / s[0] + 1;
        long ow = (8 + p[1] + p[3] - (d[1] * 1 + 1)) / s[1] + 1;
        KernelHarness.assertMatchesOrt(n, 18, RTOL, ATOL, random(-1, 1, 2, 2 * 3 * 2, oh * ow), Tensor.of(new long[] {9, 8}, 2),
                Tensor.of(new long[] {3, 2}, 2));
    }

    @ParameterizedTest(name = "p={0} axis={1}")
    @CsvSource({"1, 0", "2, 1", "2, -1", "1, 2"})
    void lpNormalization(long p, long axis) {
        Node n = Node.builder("LpNormalization").input("x").output("y").attr("p", p).attr("axis", axis).build();
        // ONNX Runtime implements LpNormalization only at opset 1; the op is unchanged since
        KernelHarness.assertMatchesOrt(n, 1, RTOL, ATOL, random(-1, 1, 3, 4, 5));
    }

    @Test
    void det() {
        Node n = Node.builder("Det").input("x").output("y").build();
        KernelHarness.assertMatchesOrt(n, 22, RTOL, ATOL, random(-1, 1, 2, 3, 5, 5));
        KernelHarness.assertMatchesOrt(n, 22, RTOL, ATOL, random(-1, 1, 4, 4));
    }

    @Test
    void maxUnpoolAfterMaxPool() {
        Node pool = Node.builder("MaxPool").input("x").outputs("y", "i").attr("kernel_shape", 2, 2).attr("strides", 2, 2).build();
        Tensor x = random(-1, 1, 2, 3, 6, 8);
        var pooled = KernelHarness.run(pool, 22, java.util.List.of(x));
        Node n = Node.builder("MaxUnpool").inputs("y", "i").output("z").attr("kernel_shape", 2, 2).attr("strides", 2, 2).build();
        KernelHarness.assertMatchesOrt(n, 22, 0, 0, (Tensor) pooled.get(0), (Tensor) pooled.get(1));
        // with output_shape the node suite places each value at its unpooled coordinates (ONNX Runtime scatters flat
        // indices instead), so that case is checked coordinate by coordinate
        Node sized = Node.builder("MaxUnpool").inputs("y", "i", "shape").output("z").attr("kernel_shape", 2, 2).attr("strides", 2, 2).build();
        Tensor i = (Tensor) pooled.get(1);
        Tensor z = KernelHarness.runOne(sized, (Tensor) pooled.get(0), i, Tensor.of(new long[] {2, 3, 7, 9}, 4));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2, 3, 7, 9}, z.dims());
        float[] v = ((Tensor) pooled.get(0)).toFloatArray();
        float[] out = z.toFloatArray();
        long[] idx = i.toLongArray();
        double nonZero = 0;
        for (int k = 0; k < idx.length; k++) {
            long plane = idx[k] / 48;
            long row = idx[k] % 48 / 8;
            long col = idx[k] % 8;
            org.junit.jupiter.api.Assertions.assertEquals(v[k], out[(int) (plane * 63 + row * 9 + col)]);
        }
        for (float f : out) {
            nonZero += f != 0 ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(idx.length, nonZero);
    }

    @ParameterizedTest(name = "mode={0} transform={1} sampling_ratio={2}")
    @CsvSource({"avg, half_pixel, 0", "avg, output_half_pixel, 2", "max, half_pixel, 2", "max, output_half_pixel, 0"})
    void roiAlign(String mode, String transform, long samplingRatio) {
        Node n = Node.builder("RoiAlign").inputs("x", "rois", "idx").output("y").attr("mode", mode)
                .attr("coordinate_transformation_mode", transform).attr("sampling_ratio", samplingRatio).attr("output_height", 3L)
                .attr("output_width", 4L).attr("spatial_scale", 0.5f).build();
        float[] rois = new float[5 * 4];
        for (int i = 0; i < rois.length; i += 4) {
            rois[i] = RANDOM.nextFloat() * 10;
            rois[i + 1] = RANDOM.nextFloat() * 10;
            rois[i + 2] = rois[i] + RANDOM.nextFloat() * 12;
            rois[i + 3] = rois[i + 1] + RANDOM.nextFloat() * 12;
        }
        KernelHarness.assertMatchesOrt(n, 16, RTOL, ATOL, random(-1, 1, 2, 3, 10, 12), Tensor.of(rois, 5, 4),
                Tensor.of(new long[] {0, 1, 1, 0, 1}, 5));
    }

    @Test
    void tensorScatterFollowsTheSpecPseudocode() {
        // ONNX Runtime 1.23 cannot load opset 24 models, so the spec's loop is the reference
        Tensor past = random(-1, 1, 2, 5, 3);
        Tensor update = random(-1, 1, 2, 4, 3);
        long[] write = {3, 0};
        for (String mode : new String[] {"circular", "linear"}) {
            long[] w = mode.equals("linear") ? new long[] {1, 0} : write;
            Node n = Node.builder("TensorScatter").inputs("past", "upd", "idx").output("y").attr("mode", mode).attr("axis", 1L).build();
            float[] got = KernelHarness.runOne(n, past, update, Tensor.of(w, 2)).toFloatArray();
            float[] expected = past.toFloatArray();
            float[] u = update.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int s = 0; s < 4; s++) {
                    long pos = mode.equals("circular") ? (w[b] + s) % 5 : w[b] + s;
                    for (int d = 0; d < 3; d++) {
                        expected[(int) ((b * 5 + pos) * 3 + d)] = u[(b * 4 + s) * 3 + d];
                    }
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got, mode);
        }
    }

    static long[] ints(String s) {
        String[] parts = s.trim().split("\\s+");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }
}
