package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ResizeKernelTest {
    private static final Tensor X4 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
    private static final Tensor X2 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 4);

    private static Node.Builder resize(String mode) {
        return Node.builder("Resize").inputs("x", "roi", "scales", "sizes").output("y").attr("mode", mode);
    }

    private static Tensor scales(float... s) {
        return Tensor.of(s, s.length);
    }

    private static Tensor sizes(long... s) {
        return Tensor.of(s, s.length);
    }

    @Test
    void cubicDownsampleMatchesTheSpecExample() {
        Tensor y = KernelHarness.runOne(resize("cubic").build(), X4, null, scales(1, 1, 0.8f, 0.8f), null);
        assertEquals(Shape.of(1, 1, 3, 3), y.shape());
        assertArrayEquals(new float[] {1.47119141f, 2.78125f, 4.08251953f, 6.71142578f, 8.02148438f, 9.32275391f,
                11.91650391f, 13.2265625f, 14.52783203f}, y.floatData(), 1e-5f);
    }

    @Test
    void linearWithAlignCornersUsesTheFractionalOutputWidth() {
        Tensor y = KernelHarness.runOne(resize("linear").attr("coordinate_transformation_mode", "align_corners").build(), X2, null,
                scales(1, 1, 0.6f, 0.6f), null);
        assertArrayEquals(new float[] {1f, 3.142857f}, y.floatData(), 1e-5f);
    }

    @Test
    void antialiasWidensTheFilterWhenDownsampling() {
        Tensor y = KernelHarness.runOne(resize("linear").attr("antialias", 1L).build(), X4, null, null, sizes(1, 1, 3, 3));
        assertArrayEquals(new float[] {2.3636363f, 3.590909f, 4.818182f, 7.2727275f, 8.5f, 9.727273f, 12.181818f, 13.409091f,
                14.636364f}, y.floatData(), 1e-5f);
    }

    @Test
    void nearestWithKeepAspectRatioPolicies() {
        Node notLarger = resize("nearest").attr("axes", 2, 3).attr("keep_aspect_ratio_policy", "not_larger").build();
        Tensor y = KernelHarness.runOne(notLarger, X2, null, null, sizes(1, 3));
        assertEquals(Shape.of(1, 1, 1, 2), y.shape());
        assertArrayEquals(new float[] {1, 3}, y.floatData());
        Node notSmaller = resize("nearest").attr("axes", 2, 3).attr("keep_aspect_ratio_policy", "not_smaller").build();
        assertArrayEquals(new float[] {1, 2, 4, 5, 6, 8}, KernelHarness.runOne(notSmaller, X2, null, null, sizes(1, 3)).floatData());
    }

    @Test
    void nearestUpsamplesStringsAsWell() {
        Tensor s = Tensor.of(new String[] {"a", "b"}, 1, 2);
        Tensor y = KernelHarness.runOne(resize("nearest").build(), s, null, scales(2, 2), null);
        assertArrayEquals(new String[] {"a", "a", "b", "b", "a", "a", "b", "b"}, y.stringData());
    }

    @Test
    void tfCropAndResizeExtrapolatesOutsideTheBox() {
        Node n = resize("linear").attr("coordinate_transformation_mode", "tf_crop_and_resize").build();
        Tensor roi = Tensor.of(new float[] {0, 0, 0.4f, 0.6f, 1, 1, 0.6f, 0.8f}, 8);
        Tensor y = KernelHarness.runOne(n, X4, roi, null, sizes(1, 1, 3, 3));
        assertArrayEquals(new float[] {7.6f, 7.9f, 8.2f, 8.8f, 9.1f, 9.4f, 10f, 10.3f, 10.6f}, y.floatData(), 1e-5f);
        Node ex = resize("linear").attr("coordinate_transformation_mode", "tf_crop_and_resize").attr("extrapolation_value", 10f).build();
        Tensor wide = Tensor.of(new float[] {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f}, 8);
        Tensor z = KernelHarness.runOne(ex, X4, wide, null, sizes(1, 1, 3, 3));
        assertEquals(10f, z.floatData()[8]);
    }
}
