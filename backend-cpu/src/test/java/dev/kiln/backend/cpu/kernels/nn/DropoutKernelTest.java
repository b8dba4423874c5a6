package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropoutKernelTest {
    private static final Node NODE = Node.builder("Dropout").inputs("x", "ratio", "training").outputs("y", "mask").attr("seed", 7L).build();

    @Test
    void inferenceCopiesAndMasksNothing() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        List<RuntimeValue> out = KernelHarness.run(NODE, x);
        Tensor y = (Tensor) out.get(0);
        assertArrayEquals(x.floatData(), y.floatData());
        assertNotSame(x.floatData(), y.floatData());
        assertArrayEquals(new boolean[] {true, true, true}, ((Tensor) out.get(1)).booleanData());
    }

    @Test
    void trainingDropsAboutTheRatioAndScalesTheRest() {
        int n = 20000;
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        List<RuntimeValue> out = KernelHarness.run(NODE, Tensor.of(ones, n), Tensor.scalar(0.25f), Tensor.scalar(true));
        float[] y = ((Tensor) out.get(0)).floatData();
        boolean[] mask = ((Tensor) out.get(1)).booleanData();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(mask[i] ? 1 / 0.75f : 0f, y[i], 1e-6f);
            kept += mask[i] ? 1 : 0;
        }
        assertEquals(0.75, kept / (double) n, 0.02);
    }

    /** With seed 0 numpy draws 0.5488, 0.7152, 0.6028 first, so ratio 0.6 drops the first element only. */
    @Test
    void aSeededFirstRunDrawsTheReferenceMask() {
        Node seeded = NODE.toBuilder().attr("seed", 0L).build();
        List<RuntimeValue> out = KernelHarness.run(seeded, Tensor.of(new float[] {1, 2, 3}, 3), Tensor.scalar(0.6f), Tensor.scalar(true));
        assertArrayEquals(new boolean[] {false, true, true}, ((Tensor) out.get(1)).booleanData());
        assertArrayEquals(new float[] {0f, 5f, 7.5f}, ((Tensor) out.get(0)).floatData(), 1e-6f);
    }
}
