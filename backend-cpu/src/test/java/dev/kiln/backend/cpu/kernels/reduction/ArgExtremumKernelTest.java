package dev.kiln.backend.cpu.kernels.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ArgExtremumKernelTest {
    private static final Tensor X = Tensor.of(new float[] {2, 1, 2, 3, 3, 0}, 2, 3);

    @Test
    void argMaxFirstOrLastIndexOnTies() {
        Node first = Node.builder("ArgMax").input("x").output("y").attr("axis", 1L).build();
        Tensor y = KernelHarness.runOne(first, X);
        assertEquals(Shape.of(2, 1), y.shape());
        assertArrayEquals(new long[] {0, 0}, y.longData());
        Node last = Node.builder("ArgMax").input("x").output("y").attr("axis", 1L).attr("select_last_index", 1L).build();
        assertArrayEquals(new long[] {2, 1}, KernelHarness.runOne(last, X).longData());
    }

    @Test
    void argMinOverFirstAxisWithoutKeepDims() {
        Node n = Node.builder("ArgMin").input("x").output("y").attr("keepdims", 0L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new int[] {2, 1, 2, 3, 3, 0}, 2, 3));
        assertEquals(Shape.of(3), y.shape());
        assertArrayEquals(new long[] {0, 0, 1}, y.longData());
    }
}
