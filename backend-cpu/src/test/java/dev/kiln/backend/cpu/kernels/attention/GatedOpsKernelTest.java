package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SwiGLU and CausalConvWithState, which ONNX Runtime 1.23 lacks: SwiGLU against the formula, the causal
 * convolution against ONNX Runtime's depthwise Conv over the state-prefixed sequence.
 */
class GatedOpsKernelTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    @ParameterizedTest(name = "alpha={0}")
    @ValueSource(floats = {1f, 1.702f})
    void swiGlu(float alpha) {
        Tensor a = AttentionOrtComparisonTest.random(3, 5, 4);
        Tensor b = AttentionOrtComparisonTest.random(3, 5, 4);
        Node n = Node.builder("SwiGLU").inputs("A", "B").outputs("Y").attr("alpha", alpha).build();
        Tensor y = (Tensor) KernelHarness.run(n, 28, Arrays.asList(a, b)).get(0);
        float[] e = new float[a.size()];
        for (int i = 0; i < e.length; i++) {
            double x = a.getDouble(i);
            e[i] = (float) (x * (1 / (1 + Math.exp(-alpha * x))) * b.getDouble(i));
        }
        TensorAssert.assertClose(Tensor.of(e, a.dims()), y, RTOL, ATOL);
    }

    @ParameterizedTest(name = "k={0} past={1} bias={2} activation={3}")
    @CsvSource({
        "4, false, false, none",
        "4, true, true, silu",
        "3, true, false, swish",
        "1, false, true, none",
        "5, false, true, silu",
    })
    void causalConvWithState(int k, boolean withPast, boolean withBias, String activation) {
        int batch = 2;
        int channels = 3;
        int length = 3;
        Tensor x = AttentionOrtComparisonTest.random(batch, channels, length);
        Tensor w = AttentionOrtComparisonTest.random(channels, 1, k);
        Tensor bias = withBias ? AttentionOrtComparisonTest.random(channels) : null;
        Tensor past = withPast ? AttentionOrtComparisonTest.random(batch, channels, k - 1) : null;
        Node n = Node.builder("CausalConvWithState").inputs("x", "w", withBias ? "b" : "", withPast ? "s" : "").outputs("y", "state")
                .attr("activation", activation).build();
        List<RuntimeValue> out = KernelHarness.run(n, 27, Arrays.asList(x, w, bias, past));

        int span = k - 1 + length;
        float[] seq = new float[batch * channels * span];
        for (int bc = 0; bc < batch * channels; bc++) {
            for (int t = 0; t < span; t++) {
                seq[bc * span + t] = t < k - 1 ? (past == null ? 0 : past.getFloat(bc * (k - 1) + t)) : x.getFloat(bc * length + t - (k - 1));
            }
        }
        Node conv = Node.builder("Conv").inputs("X", "W", withBias ? "B" : "").outputs("Y").attr("group", (long) channels).build();
        Tensor expected = OrtReference.runNode(conv, 22, Arrays.asList(Tensor.of(seq, batch, channels, span), w, bias), List.of(DType.FLOAT)).get(0);
        if (!activation.equals("none")) {
            float[] e = expected.floatData();
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) (e[i] / (1 + Math.exp(-e[i])));
            }
        }
        TensorAssert.assertClose(expected, (Tensor) out.get(0), RTOL, ATOL);
        float[] state = new float[batch * channels * (k - 1)];
        for (int bc = 0; bc < batch * channels; bc++) {
            System.arraycopy(seq, bc * span + length, state, bc * (k - 1), k - 1);
        }
        TensorAssert.assertClose(Tensor.of(state, batch, channels, k - 1), (Tensor) out.get(1), 0, 0);
    }
}
