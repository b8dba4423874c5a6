package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FlexAttention (ONNX Runtime 1.23 lacks the preview domain) against ONNX Runtime's Attention-23 on the
 * same inputs: without modifiers the two agree; an additive score_mod is Attention's float mask; a prob_mod
 * scaling the probabilities scales Attention's output.
 */
class FlexAttentionKernelTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    private static Tensor ortAttention(Node.Builder attention, Tensor... inputs) {
        Node n = attention.outputs("Y").build();
        return OrtReference.runNode(n, 23, Arrays.asList(inputs), List.of(DType.FLOAT)).get(0);
    }

    private static Tensor flex(Node.Builder node, Tensor q, Tensor k, Tensor v) {
        Node n = node.domain(FlexAttentionKernel.DOMAIN).inputs("Q", "K", "V").outputs("Y").build();
        return (Tensor) KernelHarness.run(n, 1, Arrays.asList(q, k, v)).get(0);
    }

    /** A modifier (x) -> Op(x, c) with c an initializer of the given shape. */
    private static Graph modifier(String op, Tensor c, long... dims) {
        return Graph.builder("mod").input("x", ValueType.tensor(DType.FLOAT, dims)).initializer("c", c)
                .node(Node.builder(op).inputs("x", "c").outputs("y").build()).output("y", ValueType.tensor(DType.FLOAT, dims)).build();
    }

    @Test
    void groupedQueryWithScaleMatchesAttention() {
        Tensor q = AttentionOrtComparisonTest.random(2, 6, 5, 8);
        Tensor k = AttentionOrtComparisonTest.random(2, 2, 7, 8);
        Tensor v = AttentionOrtComparisonTest.random(2, 2, 7, 4);
        Tensor expected = ortAttention(Node.builder("Attention").inputs("Q", "K", "V").attr("scale", 0.2f), q, k, v);
        TensorAssert.assertClose(expected, flex(Node.builder("FlexAttention").attr("scale", 0.2f), q, k, v), RTOL, ATOL);
        Tensor byDefault = ortAttention(Node.builder("Attention").inputs("Q", "K", "V"), q, k, v);
        TensorAssert.assertClose(byDefault, flex(Node.builder("FlexAttention"), q, k, v), RTOL, ATOL);
    }

    @Test
    void additiveScoreModIsAMaskAndProbModScalesTheOutput() {
        Tensor q = AttentionOrtComparisonTest.random(1, 2, 4, 8);
        Tensor k = AttentionOrtComparisonTest.random(1, 2, 6, 8);
        Tensor v = AttentionOrtComparisonTest.random(1, 2, 6, 8);
        Tensor bias = AttentionOrtComparisonTest.random(4, 6);
        Tensor expected = ortAttention(Node.builder("Attention").inputs("Q", "K", "V", "M"), q, k, v, bias);
        Graph scoreMod = modifier("Add", bias, 1, 2, 4, 6);
        TensorAssert.assertClose(expected, flex(Node.builder("FlexAttention").attr("score_mod", scoreMod), q, k, v), RTOL, ATOL);

        Graph probMod = modifier("Mul", Tensor.scalar(0.5f), 1, 2, 4, 6);
        Tensor halved = flex(Node.builder("FlexAttention").attr("score_mod", scoreMod).attr("prob_mod", probMod), q, k, v);
        float[] e = expected.floatData().clone();
        for (int i = 0; i < e.length; i++) {
            e[i] *= 0.5f;
        }
        TensorAssert.assertClose(Tensor.of(e, expected.dims()), halved, RTOL, ATOL);
    }
}
