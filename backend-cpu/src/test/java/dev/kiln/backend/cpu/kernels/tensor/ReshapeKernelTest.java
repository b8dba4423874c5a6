package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ReshapeKernelTest {
    private static final Tensor X = Tensor.of(new float[24], 2, 3, 4);

    private static Tensor reshape(Tensor x, long[] shape, long allowZero) {
        Node n = Node.builder("Reshape").inputs("x", "s").output("y").attr("allowzero", allowZero).build();
        return KernelHarness.runOne(n, x, Tensor.of(shape, shape.length));
    }

    @Test
    void zeroCopiesTheInputDimensionAndMinusOneIsInferred() {
        assertEquals(Shape.of(2, 12), reshape(X, new long[] {0, -1}, 0).shape());
        assertEquals(Shape.of(4, 2, 3), reshape(X, new long[] {-1, 2, 3}, 0).shape());
    }

    @Test
    void allowZeroKeepsALiteralZero() {
        Tensor empty = Tensor.of(new float[0], 0, 3, 4);
        assertEquals(Shape.of(3, 4, 0), reshape(empty, new long[] {3, 4, 0}, 1).shape());
    }

    @Test
    void viewsTheInputsElementsWithoutCopying() {
        Tensor s = Tensor.of(new String[] {"a", "b", "c", "d"}, 2, 2);
        Tensor y = reshape(s, new long[] {4}, 0);
        assertArrayEquals(new String[] {"a", "b", "c", "d"}, y.stringData());
        assertEquals(Shape.of(4), y.shape());
        assertSame(s.stringData(), y.stringData(), "a reshape is a view: the runtime counts holders by backing array");
    }

    @Test
    void rejectsMismatchedCountsAndTwoInferredDims() {
        assertThrows(InvalidInputException.class, () -> reshape(X, new long[] {5, -1}, 0));
        assertThrows(InvalidInputException.class, () -> reshape(X, new long[] {-1, -1}, 0));
        assertThrows(InvalidInputException.class, () -> reshape(X, new long[] {7, 3}, 0));
    }

    @Test
    void flattenSplitsAtTheAxisIncludingNegativeAndRankAxes() {
        for (long[] c : new long[][] {{0, 1, 24}, {1, 2, 12}, {3, 24, 1}, {-1, 6, 4}, {-3, 1, 24}}) {
            Node n = Node.builder("Flatten").input("x").output("y").attr("axis", c[0]).build();
            assertEquals(Shape.of(c[1], c[2]), KernelHarness.runOne(n, X).shape(), "axis " + c[0]);
        }
    }

    @Test
    void squeezeDropsListedOrAllUnitAxes() {
        Tensor x = Tensor.of(new float[6], 1, 3, 1, 2);
        Node all = Node.builder("Squeeze").input("x").output("y").build();
        assertEquals(Shape.of(3, 2), KernelHarness.runOne(all, x).shape());
        Node some = Node.builder("Squeeze").inputs("x", "a").output("y").build();
        assertEquals(Shape.of(1, 3, 2), KernelHarness.runOne(some, x, Tensor.of(new long[] {-2}, 1)).shape());
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(some, x, Tensor.of(new long[] {1}, 1)));
    }

    @Test
    void unsqueezeInsertsAtOutputPositionsInAnyOrder() {
        Tensor x = Tensor.of(new float[12], 3, 4);
        Node n = Node.builder("Unsqueeze").inputs("x", "a").output("y").build();
        assertEquals(Shape.of(1, 3, 4, 1), KernelHarness.runOne(n, x, Tensor.of(new long[] {3, 0}, 2)).shape());
        assertEquals(Shape.of(3, 1, 4), KernelHarness.runOne(n, x, Tensor.of(new long[] {-2}, 1)).shape());
    }
}
