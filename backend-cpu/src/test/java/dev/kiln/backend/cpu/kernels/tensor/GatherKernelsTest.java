package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class GatherKernelsTest {
    private static final Tensor DATA = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);

    @Test
    void gatherRowsWithNegativeIndices() {
        Node n = Node.builder("Gather").inputs("d", "i").output("y").build();
        Tensor y = KernelHarness.runOne(n, DATA, Tensor.of(new long[] {2, -3, 1, 1}, 2, 2));
        assertEquals(Shape.of(2, 2, 2), y.shape());
        assertArrayEquals(new float[] {5, 6, 1, 2, 3, 4, 3, 4}, y.floatData());
    }

    @Test
    void gatherAlongLastAxisWithScalarIndex() {
        Node n = Node.builder("Gather").inputs("d", "i").output("y").attr("axis", 1L).build();
        Tensor y = KernelHarness.runOne(n, DATA, Tensor.of(new int[] {1}));
        assertEquals(Shape.of(3), y.shape());
        assertArrayEquals(new float[] {2, 4, 6}, y.floatData());
    }

    @Test
    void gatherRejectsOutOfRangeIndices() {
        Node n = Node.builder("Gather").inputs("d", "i").output("y").build();
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(n, DATA, Tensor.of(new long[] {3}, 1)));
    }

    @Test
    void gatherElementsReplacesTheAxisCoordinate() {
        Node n = Node.builder("GatherElements").inputs("d", "i").output("y").attr("axis", 1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new String[] {"a", "b", "c", "d"}, 2, 2), Tensor.of(new long[] {0, 0, 1, 0}, 2, 2));
        assertArrayEquals(new String[] {"a", "a", "d", "c"}, y.stringData());
    }

    @Test
    void gatherNdWithBatchDims() {
        Node n = Node.builder("GatherND").inputs("d", "i").output("y").attr("batch_dims", 1L).build();
        Tensor data = Tensor.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        Tensor y = KernelHarness.runOne(n, data, Tensor.of(new long[] {1, 0}, 2, 1));
        assertEquals(Shape.of(2, 2), y.shape());
        assertArrayEquals(new int[] {2, 3, 4, 5}, y.intData());
        Node plain = Node.builder("GatherND").inputs("d", "i").output("y").build();
        Tensor z = KernelHarness.runOne(plain, data, Tensor.of(new long[] {0, 1, 1, 1, 1, 0}, 2, 3));
        assertArrayEquals(new int[] {3, 6}, z.intData());
    }
}
