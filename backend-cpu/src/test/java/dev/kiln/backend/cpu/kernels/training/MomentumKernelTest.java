package dev.kiln.backend.cpu.kernels.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import org.junit.jupiter.api.Test;

class MomentumKernelTest {
    private static Node node(String mode) {
        return Node.builder("Momentum").domain(Model.TRAINING_DOMAIN)
                .attr("alpha", 0.9f).attr("beta", 0.5f).attr("norm_coefficient", 0.1f).attr("mode", mode)
                .inputs("R", "T", "X", "G", "V").outputs("X_new", "V_new").build();
    }

    @Test
    void standardUsesBetaOnlyAfterTheFirstStep() {
        // T = 0: g = 0.1*1 + 2 = 2.1; V = 0.9*1 + 1*2.1 = 3.0; X = 1 - 0.1*3.0 = 0.7
        float[][] first = Optimizers.run(node("standard"), 0.1f, 0, new float[] {1}, new float[] {2}, new float[] {1});
        assertEquals(3.0, first[1][0], 1e-6);
        assertEquals(0.7, first[0][0], 1e-6);
        // T = 1: V = 0.9*1 + 0.5*2.1 = 1.95; X = 1 - 0.195 = 0.805
        float[][] later = Optimizers.run(node("standard"), 0.1f, 1, new float[] {1}, new float[] {2}, new float[] {1});
        assertEquals(1.95, later[1][0], 1e-6);
        assertEquals(0.805, later[0][0], 1e-6);
    }

    @Test
    void nesterovLooksAhead() {
        // T = 1: g = 2.1; V = 1.95; X = 1 - 0.1*(2.1 + 0.9*1.95) = 0.61450
        float[][] out = Optimizers.run(node("nesterov"), 0.1f, 1, new float[] {1}, new float[] {2}, new float[] {1});
        assertEquals(1.95, out[1][0], 1e-6);
        assertEquals(0.6145, out[0][0], 1e-6);
    }

    @Test
    void unknownModeIsNamed() {
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                () -> Optimizers.run(node("heavy"), 0.1f, 1, new float[] {1}, new float[] {2}, new float[] {1}));
        assertTrue(e.getMessage().contains("heavy"), e.getMessage());
    }
}
