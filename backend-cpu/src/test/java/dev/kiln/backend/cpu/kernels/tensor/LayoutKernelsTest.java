package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class LayoutKernelsTest {
    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void depthToSpaceDcrAndCrd() {
        Tensor x = Tensor.of(ramp(8), 1, 8, 1, 1);
        Node dcr = Node.builder("DepthToSpace").input("x").output("y").attr("blocksize", 2L).build();
        Tensor y = KernelHarness.runOne(dcr, x);
        assertEquals(Shape.of(1, 2, 2, 2), y.shape());
        // DCR: output channel c, position (b1, b2) reads input channel b1*4 + b2*2 + c
        assertArrayEquals(new float[] {0, 2, 4, 6, 1, 3, 5, 7}, y.floatData());
        Node crd = Node.builder("DepthToSpace").input("x").output("y").attr("blocksize", 2L).attr("mode", "CRD").build();
        assertArrayEquals(ramp(8), KernelHarness.runOne(crd, x).floatData());
    }

    @Test
    void spaceToDepthInvertsDepthToSpaceDcr() {
        Tensor x = Tensor.of(ramp(2 * 8 * 3 * 2), 2, 8, 3, 2);
        Node d2s = Node.builder("DepthToSpace").input("x").output("y").attr("blocksize", 2L).build();
        Node s2d = Node.builder("SpaceToDepth").input("x").output("y").attr("blocksize", 2L).build();
        Tensor back = KernelHarness.runOne(s2d, KernelHarness.runOne(d2s, x));
        assertEquals(x.shape(), back.shape());
        assertArrayEquals(x.floatData(), back.floatData());
    }

    @Test
    void triluKeepsDiagonalBands() {
        Tensor x = Tensor.of(ramp(9), 3, 3);
        Node upper = Node.builder("Trilu").inputs("x", "k").output("y").build();
        assertArrayEquals(new float[] {0, 1, 2, 0, 0, 5, 0, 0, 0}, KernelHarness.runOne(upper, x, Tensor.scalar(1L)).floatData());
        Node lower = Node.builder("Trilu").input("x").output("y").attr("upper", 0L).build();
        assertArrayEquals(new float[] {0, 0, 0, 3, 4, 0, 6, 7, 8}, KernelHarness.runOne(lower, x).floatData());
    }

    @Test
    void compressAlongAxisAndFlattened() {
        Tensor x = Tensor.of(ramp(6), 3, 2);
        Node axis = Node.builder("Compress").inputs("x", "c").output("y").attr("axis", 0L).build();
        assertArrayEquals(new float[] {2, 3, 4, 5}, KernelHarness.runOne(axis, x, Tensor.of(new boolean[] {false, true, true}, 3)).floatData());
        Node flat = Node.builder("Compress").inputs("x", "c").output("y").build();
        assertArrayEquals(new float[] {1, 3}, KernelHarness.runOne(flat, x, Tensor.of(new boolean[] {false, true, false, true}, 4)).floatData());
    }

    @Test
    void reverseSequenceSpecExampleOne() {
        float[] v = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
        Node n = Node.builder("ReverseSequence").inputs("x", "l").output("y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(v, 4, 4), Tensor.of(new long[] {4, 3, 2, 1}, 4));
        assertArrayEquals(new float[] {3, 6, 9, 12, 2, 5, 8, 13, 1, 4, 10, 14, 0, 7, 11, 15}, y.floatData());
    }

    @Test
    void shapeWindowIsClampedAndSizeCountsElements() {
        Tensor x = Tensor.of(new float[24], 2, 3, 4);
        Node n = Node.builder("Shape").input("x").output("y").attr("start", -10L).attr("end", -1L).build();
        assertArrayEquals(new long[] {2, 3}, KernelHarness.runOne(n, x).longData());
        Node size = Node.builder("Size").input("x").output("y").build();
        assertEquals(24L, KernelHarness.runOne(size, x).getLong(0));
    }
}
