package dev.kiln.backend.cpu.kernels.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import org.junit.jupiter.api.Test;

class SgdKernelTest {
    @Test
    void stepsAgainstTheGradientWithWeightDecay() {
        Node node = Node.builder("SGD").domain("dev.kiln.training").attr("weight_decay", 0.5f)
                .inputs("R", "T", "X0", "X1", "G0", "G1").outputs("X0_new", "X1_new").build();
        float[][] out = Optimizers.run(node, 0.1f, 7, new float[] {1, 2}, new float[] {-4}, new float[] {3, -1}, new float[] {2});
        assertEquals(1 - 0.1 * (3 + 0.5), out[0][0], 1e-6);
        assertEquals(2 - 0.1 * (-1 + 1), out[0][1], 1e-6);
        assertEquals(-4 - 0.1 * (2 - 2), out[1][0], 1e-6);
    }
}
