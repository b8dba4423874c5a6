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

class SliceKernelTest {
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
    private static final Node SLICE = Node.builder("Slice").inputs("x", "s", "e", "a", "st").output("y").build();

    private static Tensor slice(long[] starts, long[] ends, long[] axes, long[] steps) {
        return KernelHarness.runOne(SLICE, X, vec(starts), vec(ends), axes == null ? null : vec(axes), steps == null ? null : vec(steps));
    }

    private static Tensor vec(long[] v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void specExamples() {
        Tensor a = slice(new long[] {1, 0}, new long[] {2, 3}, new long[] {0, 1}, new long[] {1, 2});
        assertEquals(Shape.of(1, 2), a.shape());
        assertArrayEquals(new float[] {5, 7}, a.floatData());
        Tensor b = slice(new long[] {0, 1}, new long[] {-1, 1000}, null, null);
        assertArrayEquals(new float[] {2, 3, 4}, b.floatData());
    }

    @Test
    void negativeStepsWalkBackwardAndClampToTheAxis() {
        Tensor y = slice(new long[] {Long.MAX_VALUE}, new long[] {Long.MIN_VALUE}, new long[] {-1}, new long[] {-1});
        assertArrayEquals(new float[] {4, 3, 2, 1, 8, 7, 6, 5}, y.floatData());
        Tensor z = slice(new long[] {-1, 3}, new long[] {-3, 0}, new long[] {0, 1}, new long[] {-1, -2});
        assertEquals(Shape.of(2, 2), z.shape());
        assertArrayEquals(new float[] {8, 6, 4, 2}, z.floatData());
    }

    @Test
    void emptyRangesGiveZeroLengthAxes() {
        assertEquals(Shape.of(2, 0), slice(new long[] {3}, new long[] {1}, new long[] {1}, null).shape());
        assertEquals(Shape.of(0, 4), slice(new long[] {5}, new long[] {9}, new long[] {0}, null).shape());
    }

    @Test
    void zeroStepIsRejected() {
        assertThrows(InvalidInputException.class, () -> slice(new long[] {0}, new long[] {1}, new long[] {0}, new long[] {0}));
    }
}
