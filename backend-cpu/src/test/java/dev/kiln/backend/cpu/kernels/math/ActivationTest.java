package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ActivationTest {
    private static float[] run(Node.Builder node, float... x) {
        return KernelHarness.runOne(node.input("x").output("y").build(), Tensor.of(x, x.length)).floatData();
    }

    private static Node.Builder op(String type) {
        return Node.builder(type);
    }

    @Test
    void piecewiseLinearActivations() {
        assertArrayEquals(new float[] {0, 0, 2}, run(op("Relu"), -1, 0, 2));
        assertArrayEquals(new float[] {-0.01f, 2}, run(op("LeakyRelu"), -1, 2));
        assertArrayEquals(new float[] {-0.5f, 2}, run(op("LeakyRelu").attr("alpha", 0.5f), -1, 2));
        assertArrayEquals(new float[] {0, 0, 3}, run(op("ThresholdedRelu").attr("alpha", 2f), 1, 2, 3));
        assertArrayEquals(new float[] {0, 0.5f, 0.7f, 1}, run(op("HardSigmoid"), -3, 0, 1, 3));
        assertArrayEquals(new float[] {-0f, 0, 1 * (1f / 6 + 0.5f), 4}, run(op("HardSwish"), -4, 0, 1, 4));
        assertArrayEquals(new float[] {0.5f, 0, -0.5f}, run(op("Softsign"), 1, 0, -1));
    }

    @Test
    void shrinkSubtractsTheBiasOutsideTheBand() {
        Node.Builder soft = op("Shrink").attr("bias", 1.5f).attr("lambd", 1.5f);
        assertArrayEquals(new float[] {-0.5f, 0, 0, 0, 0.5f}, run(soft, -2, -1, 0, 1, 2));
        Node ints = Node.builder("Shrink").input("x").output("y").attr("bias", 1f).attr("lambd", 2f).build();
        assertArrayEquals(new int[] {-4, 0, 0, 4}, KernelHarness.runOne(ints, Tensor.of(new int[] {-5, -2, 2, 5}, 4)).intData());
    }

    @Test
    void exponentialActivations() {
        assertArrayEquals(new float[] {(float) Math.expm1(-1), 2}, run(op("Elu"), -1, 2), 1e-7f);
        assertArrayEquals(new float[] {(float) (2 * Math.expm1(-0.5)), 2}, run(op("Celu").attr("alpha", 2f), -1, 2), 1e-7f);
        float alpha = 1.67326319217681884765625f;
        float gamma = 1.05070102214813232421875f;
        assertArrayEquals(new float[] {(float) (gamma * alpha * Math.expm1(-1)), 2 * gamma}, run(op("Selu"), -1, 2), 1e-6f);
        assertArrayEquals(new float[] {0.5f, (float) (1 / (1 + Math.exp(-2)))}, run(op("Sigmoid"), 0, 2), 2e-7f);
        assertArrayEquals(new float[] {(float) Math.log(2), (float) Math.log1p(Math.exp(3)), 100}, run(op("Softplus"), 0, 3, 100));
        assertEquals((float) Math.exp(-30), run(op("Softplus"), -30)[0], 1e-20f, "far left softplus(x) ~ e^x, not 0");
        assertArrayEquals(new float[] {(float) Math.tanh(0.3f), (float) Math.tanh(-4), 1e-6f, 1, -1}, run(op("Tanh"), 0.3f, -4, 1e-6f, 30, -100),
                1e-7f);
    }

    @Test
    void geluExactAndTanhApproximation() {
        float exact = run(op("Gelu"), 1f)[0];
        assertEquals(0.8413447460685429f, exact, 1e-7f);
        float approx = run(op("Gelu").attr("approximate", "tanh"), 1f)[0];
        assertEquals((float) (0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))), approx, 1e-7f);
        assertThrows(UnsupportedOpException.class, () -> run(op("Gelu").attr("approximate", "erf"), 1f));
    }

    @Test
    void mishAndSwish() {
        assertEquals((float) (2 * Math.tanh(Math.log1p(Math.exp(2)))), run(op("Mish"), 2f)[0], 1e-6f);
        assertEquals((float) (3 / (1 + Math.exp(-1.5))), run(op("Swish").attr("alpha", 0.5f), 3f)[0], 1e-6f);
    }

    @Test
    void reluOnIntegersAndDoubles() {
        Node relu = Node.builder("Relu").input("x").output("y").build();
        assertArrayEquals(new byte[] {0, 5}, KernelHarness.runOne(relu, Tensor.of(DType.INT8, new byte[] {-5, 5}, 2)).byteData());
        assertArrayEquals(new double[] {0, 1e-300}, KernelHarness.runOne(relu, Tensor.of(new double[] {-2, 1e-300}, 2)).doubleData());
    }
}
