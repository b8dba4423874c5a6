package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaxPoolKernelTest {
    private static final float[] RAMP = new float[25];

    static {
        for (int i = 0; i < 25; i++) {
            RAMP[i] = i;
        }
    }

    @Test
    void returnsMaximaAndRowMajorIndices() {
        Node n = Node.builder("MaxPool").input("X").outputs("Y", "I").attr("kernel_shape", 2, 2).attr("strides", 2, 2).build();
        float[] x = {1, 5, 2, 0, 3, 4, 9, 1, 0, 0, 0, 0, 7, 0, 0, 8};
        List<RuntimeValue> out = KernelHarness.run(n, Tensor.of(x, 1, 1, 4, 4));
        assertArrayEquals(new float[] {5, 9, 7, 8}, ((Tensor) out.get(0)).floatData());
        assertArrayEquals(new long[] {1, 6, 12, 15}, ((Tensor) out.get(1)).longData());
    }

    @Test
    void columnMajorIndicesCountTheFirstSpatialAxisFastest() {
        Node n = Node.builder("MaxPool").input("X").outputs("Y", "I").attr("kernel_shape", 2, 2).attr("storage_order", 1L).build();
        // the maximum of the 2x3 input is at (row 0, col 2): row-major 2, column-major 2 * 2 + 0 = 4
        List<RuntimeValue> out = KernelHarness.run(n, Tensor.of(new float[] {1, 2, 9, 3, 4, 5}, 1, 1, 2, 3));
        assertArrayEquals(new long[] {3, 4}, ((Tensor) out.get(1)).longData());
    }

    @Test
    void ceilModeKeepsPartialWindowsButNotOnesStartingInPadding() {
        Node n = Node.builder("MaxPool").input("X").output("Y").attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("ceil_mode", 1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(RAMP, 1, 1, 5, 5));
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        Tensor x4 = Tensor.of(new float[16], 1, 1, 4, 4);
        assertEquals(Shape.of(1, 1, 2, 2), KernelHarness.runOne(n, x4).shape());
        Node reduce = Node.builder("MaxPool").input("X").output("Y").attr("kernel_shape", 1, 1).attr("strides", 2, 2)
                .attr("pads", 1, 1, 1, 1).attr("ceil_mode", 1L).build();
        // 2x2 padded to 4x4; a third window would start on the end padding, so the output is 2x2 not 3x3
        assertEquals(Shape.of(1, 1, 2, 2), KernelHarness.runOne(reduce, Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2)).shape());
    }

    @Test
    void dilatedPaddedWindowIgnoresPadding() {
        Node n = Node.builder("MaxPool").input("X").output("Y").attr("kernel_shape", 2, 2).attr("dilations", 2, 2)
                .attr("pads", 1, 1, 1, 1).build();
        float[] neg = new float[25];
        for (int i = 0; i < 25; i++) {
            neg[i] = -1 - i;
        }
        Tensor y = KernelHarness.runOne(n, Tensor.of(neg, 1, 1, 5, 5));
        assertEquals(Shape.of(1, 1, 5, 5), y.shape());
        // output (0,0) reads inputs (-1,-1), (-1,1), (1,-1), (1,1): only (1,1) = -7 is inside
        assertEquals(-7f, y.floatData()[0]);
    }

    @Test
    void poolsUint8AndDouble() {
        Node n = Node.builder("MaxPool").input("X").output("Y").attr("kernel_shape", 2, 2).build();
        Tensor u8 = Tensor.of(DType.UINT8, new byte[] {(byte) 200, 3, 4, 5}, 1, 1, 2, 2);
        assertEquals(200, KernelHarness.runOne(n, u8).getLong(0));
        Tensor d = Tensor.of(new double[] {0.1, 0.3, 0.2, -1}, 1, 1, 2, 2);
        assertArrayEquals(new double[] {0.3}, KernelHarness.runOne(n, d).doubleData());
    }

    @Test
    void sameUpperOnThreeDimensions() {
        Node n = Node.builder("MaxPool").input("X").output("Y").attr("kernel_shape", 2, 2, 2).attr("auto_pad", "SAME_UPPER").build();
        float[] x = new float[8];
        for (int i = 0; i < 8; i++) {
            x[i] = i;
        }
        Tensor y = KernelHarness.runOne(n, Tensor.of(x, 1, 1, 2, 2, 2));
        assertEquals(Shape.of(1, 1, 2, 2, 2), y.shape());
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7, 7, 7}, y.floatData());
    }
}
