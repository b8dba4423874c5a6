package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class PadKernelTest {
    private static final Tensor X = Tensor.of(new float[] {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f}, 3, 2);

    private static Tensor pad(String mode, long[] pads, Tensor value, long[] axes) {
        Node n = Node.builder("Pad").inputs("x", "p", "v", "a").output("y").attr("mode", mode).build();
        return KernelHarness.runOne(n, X, Tensor.of(pads, pads.length), value, axes == null ? null : Tensor.of(axes, axes.length));
    }

    @Test
    void constantWithValue() {
        Tensor y = pad("constant", new long[] {0, 2, 0, 0}, Tensor.scalar(9f), null);
        assertArrayEquals(new float[] {9, 9, 1.0f, 1.2f, 9, 9, 2.3f, 3.4f, 9, 9, 4.5f, 5.7f}, y.floatData());
    }

    @Test
    void reflectEdgeAndWrapFollowTheSpecExamples() {
        assertArrayEquals(new float[] {1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f},
                pad("reflect", new long[] {0, 2, 0, 0}, null, null).floatData());
        assertArrayEquals(new float[] {1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f},
                pad("edge", new long[] {0, 2, 0, 0}, null, null).floatData());
        Tensor w = pad("wrap", new long[] {2, 1, 1, 1}, null, null);
        assertEquals(Shape.of(6, 4), w.shape());
        assertArrayEquals(new float[] {3.4f, 2.3f, 3.4f, 2.3f, 5.7f, 4.5f, 5.7f, 4.5f, 1.2f, 1.0f, 1.2f, 1.0f,
                3.4f, 2.3f, 3.4f, 2.3f, 5.7f, 4.5f, 5.7f, 4.5f, 1.2f, 1.0f, 1.2f, 1.0f}, w.floatData());
    }

    @Test
    void negativePadsCropAndAxesSelectWhichAxesArePadded() {
        Tensor y = pad("edge", new long[] {-1, 1}, null, new long[] {0});
        assertEquals(Shape.of(3, 2), y.shape());
        assertArrayEquals(new float[] {2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f}, y.floatData());
    }
}
