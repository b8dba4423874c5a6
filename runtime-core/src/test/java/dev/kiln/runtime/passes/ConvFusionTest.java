package dev.kiln.runtime.passes;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.passes.GraphOptimizerTest.assertSameOutputs;
import static dev.kiln.runtime.passes.GraphOptimizerTest.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.testing.RandomTensors;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conv + BatchNormalization folding and Conv + Add + activation fusion: the nodes produced and unchanged outputs. */
class ConvFusionTest {
    private final Random random = new Random(11);

    private Tensor random(float lo, float hi, long... dims) {
        return RandomTensors.uniform(random, lo, hi, dims);
    }

    private static Node conv(String x, String w, String y, String... bias) {
        Node.Builder b = Node.builder("Conv").name("conv_" + y).inputs(x, w).outputs(y).attr("pads", 1, 1, 1, 1).attr("kernel_shape", 3, 3);
        for (String s : bias) {
            b.input(s);
        }
        return b.build();
    }

    /** Adds BatchNormalization {@code x -> y} over {@code channels} with random statistics named after y. */
    private Graph.Builder batchNorm(Graph.Builder g, String x, String y, int channels) {
        g.initializer(y + "_scale", random(0.5f, 1.5f, channels)).initializer(y + "_beta", random(-1f, 1f, channels))
                .initializer(y + "_mean", random(-1f, 1f, channels)).initializer(y + "_var", random(0.2f, 2f, channels));
        return g.node(Node.builder("BatchNormalization").name("bn_" + y).inputs(x, y + "_scale", y + "_beta", y + "_mean", y + "_var")
                .outputs(y).attr("epsilon", 1e-3f).build());
    }

    @Test
    void batchNormalizationFoldsIntoTheConvWithAndWithoutABias() {
        for (boolean withBias : new boolean[] {false, true}) {
            Graph.Builder g = Graph.builder("cbn").input(floats("x", 2, 3, 9, 9)).output(floats("y", 2, 4, 9, 9))
                    .initializer("w", random(-1f, 1f, 4, 3, 3, 3));
            if (withBias) {
                g.initializer("b", random(-1f, 1f, 4)).node(conv("x", "w", "c", "b"));
            } else {
                g.node(conv("x", "w", "c"));
            }
            Model m = model(batchNorm(g, "c", "y", 4).build());
            GraphOptimizer.Result r = GraphOptimizer.optimize(m);
            assertEquals(1, r.rewrites().get("conv-batchnorm"));
            assertEquals(List.of("Conv"), ops(r.model()));
            Graph folded = r.model().graph();
            assertFalse(folded.initializers().containsKey("w"), "the unfolded weights are dropped");
            assertEquals(3, folded.nodes().get(0).inputs().size());
            assertSameOutputs(m, Map.of("x", random(-2f, 2f, 2, 3, 9, 9)), 1e-4);
        }
    }

    @Test
    void aConvWhoseOutputIsAlsoReadElsewhereKeepsItsBatchNormalization() {
        Graph.Builder g = Graph.builder("shared").input(floats("x", 1, 3, 5, 5)).output(floats("y", 1, 4, 5, 5))
                .output(floats("c", 1, 4, 5, 5)).initializer("w", random(-1f, 1f, 4, 3, 3, 3)).node(conv("x", "w", "c"));
        GraphOptimizer.Result r = GraphOptimizer.optimize(model(batchNorm(g, "c", "y", 4).build()));
        assertEquals(0, r.rewrites().get("conv-batchnorm"));
        assertTrue(ops(r.model()).contains("BatchNormalization"));
    }

    /** A ResNet basic block: conv-bn-relu, conv-bn, + x, relu. */
    @Test
    void aResidualBlockBecomesTwoFusedConvs() {
        Graph.Builder g = Graph.builder("block").input(floats("x", 2, 4, 8, 8)).output(floats("y", 2, 4, 8, 8))
                .initializer("w1", random(-0.5f, 0.5f, 4, 4, 3, 3)).initializer("w2", random(-0.5f, 0.5f, 4, 4, 3, 3))
                .node(conv("x", "w1", "c1"));
        batchNorm(g, "c1", "n1", 4).node(node("Relu", in("n1"), "r1")).node(conv("r1", "w2", "c2"));
        batchNorm(g, "c2", "n2", 4).node(node("Add", in("x", "n2"), "s")).node(node("Relu", in("s"), "y"));
        Model m = model(g.build());
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(2, r.rewrites().get("conv-batchnorm"));
        assertEquals(2, r.rewrites().get("conv-add-activation"));
        assertEquals(List.of("dev.kiln::FusedConv", "dev.kiln::FusedConv"), ops(r.model()));
        Node second = r.model().graph().nodes().get(1);
        assertEquals(List.of("r1", second.input(1), second.input(2), "x"), second.inputs());
        assertEquals("Relu", second.getString("activation", ""));
        assertSameOutputs(m, Map.of("x", random(-2f, 2f, 2, 4, 8, 8)), 1e-4);
    }

    @Test
    void aResidualThatBroadcastsIsAddedAsAddWould() {
        for (long[] zDims : new long[][] {{4, 1, 1}, {2, 4, 6, 6}}) {
            Graph g = Graph.builder("bcast").input(floats("x", 1, 3, 6, 6)).input(floats("z", (Object[]) box(zDims)))
                    .output(floats("y", zDims.length == 4 ? 2 : 1, 4, 6, 6)).initializer("w", random(-1f, 1f, 4, 3, 3, 3))
                    .initializer("b", random(-1f, 1f, 4)).node(conv("x", "w", "c", "b")).node(node("Add", in("c", "z"), "s"))
                    .node(Node.builder("LeakyRelu").name("lrelu").inputs("s").outputs("y").attr("alpha", 0.2f).build()).build();
            Model m = model(g);
            GraphOptimizer.Result r = GraphOptimizer.optimize(m);
            assertEquals(List.of("dev.kiln::FusedConv"), ops(r.model()));
            assertEquals(0.2f, r.model().graph().nodes().get(0).getFloat("alpha", 0), 0);
            assertSameOutputs(m, Map.of("x", random(-2f, 2f, 1, 3, 6, 6), "z", random(-2f, 2f, zDims)), 1e-4);
        }
    }

    @Test
    void aConvFollowedOnlyByAnActivationFusesWithoutAResidual() {
        Graph g = Graph.builder("act").input(floats("x", 1, 3, 7, 7)).output(floats("y", 1, 4, 7, 7)).initializer("w", random(-1f, 1f, 4, 3, 3, 3))
                .node(conv("x", "w", "c")).node(node("Sigmoid", in("c"), "y")).build();
        Model m = model(g);
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(List.of("dev.kiln::FusedConv"), ops(r.model()));
        assertEquals(List.of("x", "w"), r.model().graph().nodes().get(0).inputs());
        assertSameOutputs(m, Map.of("x", random(-2f, 2f, 1, 3, 7, 7)), 1e-5);
    }

    private static Object[] box(long[] dims) {
        Object[] o = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) {
            o[i] = dims[i];
        }
        return o;
    }
}
