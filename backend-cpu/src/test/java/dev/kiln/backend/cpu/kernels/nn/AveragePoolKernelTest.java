package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class AveragePoolKernelTest {
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);

    @Test
    void excludesPaddingFromTheDivisorByDefault() {
        Node n = Node.builder("AveragePool").input("X").output("Y").attr("kernel_shape", 2, 2).attr("pads", 1, 1, 1, 1).build();
        Tensor y = KernelHarness.runOne(n, X);
        assertEquals(Shape.of(1, 1, 3, 3), y.shape());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, y.floatData());
    }

    @Test
    void countIncludePadDividesByTheWholeWindow() {
        Node n = Node.builder("AveragePool").input("X").output("Y").attr("kernel_shape", 2, 2).attr("pads", 1, 1, 1, 1)
                .attr("count_include_pad", 1L).build();
        Tensor y = KernelHarness.runOne(n, X);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1}, y.floatData());
    }

    @Test
    void ceilModeWindowPastThePaddingIsNotCounted() {
        // 3 wide, kernel 2, stride 2, ceil: the second window covers column 2 and one column past the end
        Node n = Node.builder("AveragePool").input("X").output("Y").attr("kernel_shape", new long[] {2}).attr("strides", new long[] {2})
                .attr("ceil_mode", 1L).attr("count_include_pad", 1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {1, 3, 5}, 1, 1, 3));
        assertArrayEquals(new float[] {2, 5}, y.floatData());
    }

    @Test
    void globalPoolsReduceEverySpatialAxis() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, -4, 5, 6, 7, 8}, 1, 2, 2, 2);
        Node avg = Node.builder("GlobalAveragePool").input("X").output("Y").build();
        Node max = Node.builder("GlobalMaxPool").input("X").output("Y").build();
        Node lp = Node.builder("GlobalLpPool").input("X").output("Y").attr("p", 1L).build();
        assertEquals(Shape.of(1, 2, 1, 1), KernelHarness.runOne(avg, x).shape());
        assertArrayEquals(new float[] {0.5f, 6.5f}, KernelHarness.runOne(avg, x).floatData());
        assertArrayEquals(new float[] {3, 8}, KernelHarness.runOne(max, x).floatData());
        assertArrayEquals(new float[] {10, 26}, KernelHarness.runOne(lp, x).floatData());
    }

    @Test
    void lpPoolTakesTheWindowNorm() {
        Node n = Node.builder("LpPool").input("X").output("Y").attr("kernel_shape", 2, 2).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {3, 0, 0, -4}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {5}, y.floatData());
    }
}
