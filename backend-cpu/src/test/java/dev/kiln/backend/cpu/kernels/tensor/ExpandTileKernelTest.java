package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ExpandTileKernelTest {
    @Test
    void expandBroadcastsBothWaysAndMayRaiseRank() {
        Node n = Node.builder("Expand").inputs("x", "s").output("y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new int[] {1, 2, 3}, 3, 1), Tensor.of(new long[] {2, 1, 2}, 3));
        assertEquals(Shape.of(2, 3, 2), y.shape());
        assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, y.intData());
    }

    @Test
    void tileRepeatsEachAxis() {
        Node n = Node.builder("Tile").inputs("x", "r").output("y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new String[] {"a", "b", "c", "d"}, 2, 2), Tensor.of(new long[] {2, 2}, 2));
        assertEquals(Shape.of(4, 4), y.shape());
        assertArrayEquals(new String[] {"a", "b", "a", "b", "c", "d", "c", "d", "a", "b", "a", "b", "c", "d", "c", "d"}, y.stringData());
    }
}
