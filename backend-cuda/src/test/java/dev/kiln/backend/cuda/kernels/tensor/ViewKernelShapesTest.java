package dev.kiln.backend.cuda.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Needs no GPU: the output shapes of the view ops, as the ONNX spec defines them. */
class ViewKernelShapesTest {
    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        assertArrayEquals(new long[] {2, 12}, ViewKernel.reshape(new long[] {2, 3, 4}, new long[] {0, -1}, false));
        assertArrayEquals(new long[] {0, 4}, ViewKernel.reshape(new long[] {0, 4}, new long[] {0, 4}, true));
        assertThrows(InvalidInputException.class, () -> ViewKernel.reshape(new long[] {2, 3}, new long[] {-1, -1}, false));
        assertThrows(InvalidInputException.class, () -> ViewKernel.reshape(new long[] {7}, new long[] {2, -1}, false));
    }

    @Test
    void flattenSqueezeUnsqueeze() {
        assertArrayEquals(new long[] {6, 4}, ViewKernel.flatten(new long[] {2, 3, 4}, -1));
        assertArrayEquals(new long[] {1, 24}, ViewKernel.flatten(new long[] {2, 3, 4}, 0));
        assertArrayEquals(new long[] {3}, ViewKernel.squeeze(new long[] {1, 3, 1}, null));
        assertArrayEquals(new long[] {3, 1}, ViewKernel.squeeze(new long[] {1, 3, 1}, new long[] {0}));
        assertThrows(InvalidInputException.class, () -> ViewKernel.squeeze(new long[] {2, 3}, new long[] {0}));
        assertArrayEquals(new long[] {1, 2, 3, 1}, ViewKernel.unsqueeze(new long[] {2, 3}, new long[] {0, -1}));
        assertThrows(InvalidInputException.class, () -> ViewKernel.unsqueeze(new long[] {2}, new long[] {1, 1}));
    }
}
