package dev.kiln.backend.cpu.kernels.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdagradKernelTest {
    private static final Node NODE = Node.builder("Adagrad").domain(Model.TRAINING_DOMAIN)
            .attr("norm_coefficient", 0.001f).attr("epsilon", 1e-5f).attr("decay_factor", 0.1f)
            .inputs("R", "T", "X", "G", "H").outputs("X_new", "H_new").build();

    @Test
    void handWorked() {
        // r = 0.1/(1+3*0.1) = 0.0769231; g = 0.001 - 1 = -0.999; H = 2 + 0.998001 = 2.998001
        float[][] out = Optimizers.run(NODE, 0.1f, 3, new float[] {1}, new float[] {-1}, new float[] {2});
        assertEquals(2.998001, out[1][0], 1e-6);
        assertEquals(1 + (0.1 / 1.3) * 0.999 / (Math.sqrt(2.998001) + 1e-5), out[0][0], 1e-6);
    }

    @Test
    void accumulatesOverSteps() {
        Random rnd = new Random(5);
        float[] x = Optimizers.random(rnd, 20, 1);
        float[] h = new float[20];
        double[] xe = new double[20];
        double[] he = new double[20];
        for (int i = 0; i < 20; i++) {
            xe[i] = x[i];
        }
        for (int t = 0; t < 5; t++) {
            float[] g = Optimizers.random(rnd, 20, 1);
            float[][] out = Optimizers.run(NODE, 0.2f, t, x, g, h);
            for (int i = 0; i < 20; i++) {
                double gr = 0.001 * x[i] + g[i];
                he[i] = h[i] + gr * gr;
                xe[i] = x[i] - 0.2 / (1 + 0.1 * t) * gr / (Math.sqrt(he[i]) + 1e-5);
                assertEquals(he[i], out[1][i], 1e-5 * Math.max(1, he[i]));
                assertEquals(xe[i], out[0][i], 1e-5);
            }
            x = out[0];
            h = out[1];
        }
    }
}
