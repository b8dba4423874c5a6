package dev.kiln.backend.cpu.kernels.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWKernelTest {
    private static Node node(float decay) {
        return Node.builder("AdamW").domain("dev.kiln.training").attr("weight_decay", decay)
                .inputs("R", "T", "X", "G", "V", "H").outputs("X_new", "V_new", "H_new").build();
    }

    @Test
    void handWorkedFirstStepMovesByTheLearningRate() {
        // T = 1 from zero state: m = G, s = G^2, so X moves by R*sign(G) (up to epsilon), after decay
        float[][] out = Optimizers.run(node(0.1f), 0.01f, 1, new float[] {2, -3}, new float[] {0.5f, -4}, new float[2], new float[2]);
        assertEquals(2 * (1 - 0.001) - 0.01, out[0][0], 1e-6);
        assertEquals(-3 * (1 - 0.001) + 0.01, out[0][1], 1e-6);
        assertEquals(0.1 * 0.5, out[1][0], 1e-7);
        assertEquals(0.001 * 16, out[2][1], 1e-6);
    }

    @Test
    void decayNeverEntersTheMoments() {
        Random rnd = new Random(11);
        float[] x = Optimizers.random(rnd, 30, 1);
        float[] g = Optimizers.random(rnd, 30, 1);
        float[] v = Optimizers.random(rnd, 30, 0.1);
        float[] h = Optimizers.positive(rnd, 30);
        float[][] decayed = Optimizers.run(node(0.2f), 0.03f, 4, x, g, v, h);
        float[][] plain = Optimizers.run(node(0f), 0.03f, 4, x, g, v, h);
        for (int i = 0; i < 30; i++) {
            assertEquals(plain[1][i], decayed[1][i]);
            assertEquals(plain[2][i], decayed[2][i]);
            assertEquals(plain[0][i] - 0.03 * 0.2 * x[i], decayed[0][i], 1e-6);
            double m = (0.9 * v[i] + 0.1 * g[i]) / (1 - Math.pow(0.9, 4));
            double s = (0.999 * h[i] + 0.001 * g[i] * g[i]) / (1 - Math.pow(0.999, 4));
            assertEquals(x[i] - 0.03 * m / (Math.sqrt(s) + 1e-8), plain[0][i], 1e-5);
        }
    }

    @Test
    void largeVariablesSplitIntoBlocksMatchTheRuleEverywhere() {
        Random rnd = new Random(5);
        int n = 3 * 4096 + 17;
        float[] x = Optimizers.random(rnd, n, 1);
        float[] g = Optimizers.random(rnd, n, 1);
        float[] v = Optimizers.random(rnd, n, 0.1);
        float[] h = Optimizers.positive(rnd, n);
        float[][] out = Optimizers.run(node(0.05f), 0.02f, 3, x, g, v, h);
        for (int i = 0; i < n; i++) {
            double vNew = 0.9 * v[i] + 0.1 * g[i];
            double hNew = 0.999 * h[i] + 0.001 * g[i] * g[i];
            double m = vNew / (1 - Math.pow(0.9, 3));
            double s = hNew / (1 - Math.pow(0.999, 3));
            assertEquals(x[i] * (1 - 0.02 * 0.05) - 0.02 * m / (Math.sqrt(s) + 1e-8), out[0][i], 1e-5, "X_new[" + i + "]");
            assertEquals(vNew, out[1][i], 1e-6, "V_new[" + i + "]");
            assertEquals(hNew, out[2][i], 1e-6, "H_new[" + i + "]");
        }
    }
}
