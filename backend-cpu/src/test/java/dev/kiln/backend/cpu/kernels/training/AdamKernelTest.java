package dev.kiln.backend.cpu.kernels.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's standard build has no ai.onnx.preview.training kernels, so expectations follow the spec text. */
class AdamKernelTest {
    private static Node node(int vars) {
        Node.Builder b = Node.builder("Adam").domain(Model.TRAINING_DOMAIN)
                .attr("alpha", 0.85f).attr("beta", 0.95f).attr("epsilon", 1e-3f)
                .attr("norm_coefficient", 0.01f).attr("norm_coefficient_post", 0.02f);
        b.inputs("R", "T");
        for (String kind : new String[] {"X", "G", "V", "H"}) {
            for (int v = 0; v < vars; v++) {
                b.input(kind + v);
            }
        }
        for (String kind : new String[] {"X", "V", "H"}) {
            for (int v = 0; v < vars; v++) {
                b.output(kind + v + "_new");
            }
        }
        return b.build();
    }

    @Test
    void handWorkedSingleElement() {
        // g = 0.01*2 + 1 = 1.02; V = 0.85*0.5 + 0.15*1.02 = 0.578; H = 0.95*0.25 + 0.05*1.0404 = 0.28952
        // r = 0.1*sqrt(1-0.95^2)/(1-0.85^2) = 0.1121705...; X = 0.98*(2 - r*0.578/(sqrt(0.28952)+1e-3))
        float[][] out = Optimizers.run(node(1), 0.1f, 2, new float[] {2}, new float[] {1}, new float[] {0.5f}, new float[] {0.25f});
        double r = 0.1 * Math.sqrt(1 - 0.9025) / (1 - 0.7225);
        assertEquals(0.578, out[1][0], 1e-6);
        assertEquals(0.28952, out[2][0], 1e-6);
        assertEquals(0.98 * (2 - r * 0.578 / (Math.sqrt(0.28952) + 1e-3)), out[0][0], 1e-5);
    }

    @Test
    void firstUpdateSkipsBiasCorrectionAndVariablesAreIndependent() {
        Random rnd = new Random(3);
        int n = 50;
        float[] x0 = Optimizers.random(rnd, n, 1);
        float[] x1 = Optimizers.random(rnd, 7, 1);
        float[] g0 = Optimizers.random(rnd, n, 1);
        float[] g1 = Optimizers.random(rnd, 7, 1);
        float[] v0 = Optimizers.random(rnd, n, 0.1);
        float[] v1 = Optimizers.random(rnd, 7, 0.1);
        float[] h0 = Optimizers.positive(rnd, n);
        float[] h1 = Optimizers.positive(rnd, 7);
        float[][] both = Optimizers.run(node(2), 0.05f, 0, x0, x1, g0, g1, v0, v1, h0, h1);
        float[][] second = Optimizers.run(node(1), 0.05f, 0, x1, g1, v1, h1);
        for (int i = 0; i < 7; i++) {
            assertEquals(second[0][i], both[1][i]);
            assertEquals(second[1][i], both[3][i]);
            assertEquals(second[2][i], both[5][i]);
        }
        for (int i = 0; i < n; i++) {
            double g = 0.01 * x0[i] + g0[i];
            double v = 0.85 * v0[i] + 0.15 * g;
            double h = 0.95 * h0[i] + 0.05 * g * g;
            assertEquals(0.98 * (x0[i] - 0.05 * v / (Math.sqrt(h) + 1e-3)), both[0][i], 1e-5);
        }
    }

    @Test
    void refusesMismatchedShapes() {
        assertThrows(InvalidInputException.class, () -> Optimizers.run(node(1), 0.1f, 1,
                new float[] {1, 2}, new float[] {1}, new float[] {0, 0}, new float[] {0, 0}));
    }
}
