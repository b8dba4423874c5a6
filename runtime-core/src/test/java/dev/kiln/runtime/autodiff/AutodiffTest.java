package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The transform itself: accumulation, outputs, pruning, zero gradients and errors. */
class AutodiffTest {
    private static Node node(String op, String out, String... in) {
        return Node.builder(op).name(out).inputs(in).outputs(out).build();
    }

    private static Node sum(String out, String in) {
        return Node.builder("ReduceSum").name(out).input(in).output(out).attr("keepdims", 0L).build();
    }

    private static Tensor random(long seed, long... dims) {
        Random r = new Random(seed);
        double[] v = new double[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Tensor.of(v, dims);
    }

    @Test
    void gradientsAccumulateOverEveryUse() {
        // loss = sum(x * x + x): dloss/dx = 2x + 1
        Graph g = Graph.builder("acc").input("x", ValueType.tensor(DType.DOUBLE, 2, 3))
                .node(node("Mul", "sq", "x", "x")).node(node("Add", "s", "sq", "x")).node(sum("loss", "s"))
                .output("loss", ValueType.tensor(DType.DOUBLE, Shape.scalar())).build();
        Tensor x = random(1, 2, 3);
        Map<String, Tensor> out = GradientChecker.run(Autodiff.differentiate(g, "loss", List.of("x")), Map.of("x", x));
        double[] expected = x.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = 2 * expected[i] + 1;
        }
        assertArrayEquals(expected, out.get("x_grad").toDoubleArray(), 1e-12);
    }

    @Test
    void outputsAreTheForwardOutputsTheLossAndOneGradientPerValue() {
        Graph g = Graph.builder("outs").input("x", ValueType.tensor(DType.DOUBLE, 2, 3)).input("unused", ValueType.tensor(DType.DOUBLE, 4))
                .initializer("w", random(2, 2, 3)).node(node("Mul", "y", "x", "w")).node(node("Exp", "side", "x"))
                .node(sum("loss", "y")).output("y", null).output("side", null).build();
        Graph d = Autodiff.differentiate(g, "loss", List.of("w", "unused"));
        assertEquals(List.of("y", "side", "loss", "w_grad", "unused_grad"), d.outputs().stream().map(Value::name).toList());
        assertEquals(ValueType.tensor(DType.DOUBLE, 2, 3), d.outputs().get(3).type());
        assertEquals(ValueType.tensor(DType.DOUBLE, 4), d.outputs().get(4).type());
        assertEquals(g.nodes(), d.nodes().subList(0, g.nodes().size()), "the forward nodes come first, unchanged");
        // 'side' does not lead to the loss and x is not differentiated: nothing of theirs is in the backward part
        for (Node n : d.nodes().subList(g.nodes().size(), d.nodes().size())) {
            assertTrue(!n.inputs().contains("side") && !n.opType().equals("Exp"), n.toString());
        }
        Tensor x = random(3, 2, 3);
        Map<String, Tensor> out = GradientChecker.run(d, Map.of("x", x, "unused", random(4, 4)));
        assertArrayEquals(x.toDoubleArray(), out.get("w_grad").toDoubleArray(), 1e-12);
        assertArrayEquals(new double[4], out.get("unused_grad").toDoubleArray());
    }

    @Test
    void anOpWithoutARuleIsNamedWithItsPathToTheLoss() {
        Graph g = Graph.builder("norule").input("x", ValueType.tensor(DType.DOUBLE, 2, 3))
                .node(node("Hardmax", "h", "x")).node(node("Exp", "e", "h")).node(sum("loss", "e")).build();
        NoGradientRuleException e = assertThrows(NoGradientRuleException.class, () -> Autodiff.differentiate(g, "loss", List.of("x")));
        assertEquals("Hardmax", e.opType());
        assertEquals(List.of("'h' (Hardmax)", "'e' (Exp)", "'loss' (ReduceSum)"), e.path());
        assertTrue(e.getMessage().contains("'h' (Hardmax) -> 'e' (Exp) -> 'loss' (ReduceSum)"), e.getMessage());
    }

    @Test
    void unknownNamesAreRefused() {
        Graph g = Graph.builder("names").input("x", ValueType.tensor(DType.DOUBLE, 2)).node(sum("loss", "x")).build();
        assertEquals("autodiff: loss 'lost' is not a value of graph 'names'",
                assertThrows(KilnException.class, () -> Autodiff.differentiate(g, "lost", List.of("x"))).getMessage());
        assertEquals("autodiff: 'y' is not a value of graph 'names'",
                assertThrows(KilnException.class, () -> Autodiff.differentiate(g, "loss", List.of("y"))).getMessage());
    }

    @Test
    void aTwoLayerPerceptronWithCrossEntropyMatchesFiniteDifferences() {
        Graph g = Graph.builder("mlp").input("x", ValueType.tensor(DType.DOUBLE, Shape.symbolic("batch", 5)))
                .input("labels", ValueType.tensor(DType.INT64, Shape.symbolic("batch")))
                .input("w1", ValueType.tensor(DType.DOUBLE, 5, 4)).input("b1", ValueType.tensor(DType.DOUBLE, 4))
                .input("w2", ValueType.tensor(DType.DOUBLE, 4, 3)).input("b2", ValueType.tensor(DType.DOUBLE, 3))
                .node(node("MatMul", "h0", "x", "w1")).node(node("Add", "h1", "h0", "b1")).node(node("Relu", "h", "h1"))
                .node(Node.builder("Gemm").name("logits").inputs("h", "w2", "b2").outputs("logits").build())
                .node(Node.builder("SoftmaxCrossEntropyLoss").name("loss").inputs("logits", "labels").outputs("loss").build())
                .output("loss", ValueType.tensor(DType.DOUBLE, Shape.scalar())).build();
        Map<String, Tensor> feeds = Map.of("x", random(5, 6, 5), "labels", Tensor.of(new long[] {0, 2, 1, 1, 0, 2}, 6),
                "w1", random(6, 5, 4), "b1", random(7, 4), "w2", random(8, 4, 3), "b2", random(9, 3));
        double worst = GradientChecker.compare(g, "loss", feeds, List.of("w1", "b1", "w2", "b2", "x"), "MLP");
        assertTrue(worst < GradientChecker.TOLERANCE);
        GradientChecker.record("MLP", "MLP with SoftmaxCrossEntropyLoss", worst);
    }

    @Test
    void trainingDropoutGetsAMaskOutputAndScalesTheGradientThroughIt() {
        Graph g = Graph.builder("dropout").input("x", ValueType.tensor(DType.DOUBLE, 8, 8))
                .initializer("ratio", Tensor.scalar(0.25)).initializer("training", Tensor.scalar(true)).initializer("w", random(11, 8, 8))
                .node(node("Dropout", "y", "x", "ratio", "training")).node(node("Mul", "wy", "y", "w")).node(sum("loss", "wy"))
                .output("y", null).build();
        Graph d = Autodiff.differentiate(g, "loss", List.of("x"));
        assertEquals(List.of("y", "y_mask"), d.nodes().get(0).outputs());
        Tensor x = random(12, 8, 8);
        Map<String, Tensor> out = GradientChecker.run(d.toBuilder().output("y_mask", null).build(), Map.of("x", x));
        boolean[] mask = out.get("y_mask").booleanData();
        double[] y = out.get("y").toDoubleArray();
        double[] dx = out.get("x_grad").toDoubleArray();
        double[] w = random(11, 8, 8).toDoubleArray();
        int dropped = 0;
        for (int i = 0; i < mask.length; i++) {
            assertEquals(mask[i] ? x.getDouble(i) / 0.75 : 0, y[i], 1e-12, "forward at " + i);
            assertEquals(mask[i] ? w[i] / 0.75 : 0, dx[i], 1e-12, "gradient at " + i);
            dropped += mask[i] ? 0 : 1;
        }
        assertTrue(dropped > 0 && dropped < mask.length, "some elements dropped, some kept: " + dropped);
    }

    @Test
    void anIntermediateValueCanBeDifferentiatedToo() {
        // loss = sum(exp(x) * exp(x)): d/dh with h = exp(x) is 2h, d/dx is 2h^2
        Graph g = Graph.builder("mid").input("x", ValueType.tensor(DType.DOUBLE, 3))
                .node(node("Exp", "h", "x")).node(node("Mul", "sq", "h", "h")).node(sum("loss", "sq")).build();
        Tensor x = random(13, 3);
        Map<String, Tensor> out = GradientChecker.run(Autodiff.differentiate(g, "loss", List.of("h", "x")), Map.of("x", x));
        double[] dh = out.get("h_grad").toDoubleArray();
        double[] dx = out.get("x_grad").toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double h = Math.exp(x.getDouble(i));
            assertEquals(2 * h, dh[i], 1e-12);
            assertEquals(2 * h * h, dx[i], 1e-12);
        }
    }
}
