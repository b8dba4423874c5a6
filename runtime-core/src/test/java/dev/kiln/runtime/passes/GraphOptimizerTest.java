package dev.kiln.runtime.passes;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each fusion on small graphs: which nodes it produces, and that the optimized session gives the same outputs. */
class GraphOptimizerTest {
    private final Random random = new Random(3);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -2f, 2f, dims);
    }

    private static Node constant(String name, Tensor value) {
        return Node.builder("Constant").output(name).attr("value", value).build();
    }

    /** BERT's exported layer norm over the last axis of x[2,5,8]. */
    private Graph.Builder layerNorm(boolean exposeCentered) {
        Graph.Builder g = Graph.builder("ln").input(floats("x", 2, 5, 8)).output(floats("y", 2, 5, 8))
                .initializer("axes", Tensor.of(new long[] {-1}, 1)).initializer("gamma", random(8)).initializer("beta", random(8))
                .node(constant("two", Tensor.scalar(2f))).node(constant("eps", Tensor.scalar(1e-12f)))
                .node(node("ReduceMean", in("x", "axes"), "mean")).node(node("Sub", in("x", "mean"), "d"))
                .node(node("Pow", in("d", "two"), "sq")).node(node("ReduceMean", in("sq", "axes"), "var"))
                .node(node("Add", in("var", "eps"), "ve")).node(node("Sqrt", in("ve"), "std"))
                .node(node("Div", in("d", "std"), "n")).node(node("Mul", in("n", "gamma"), "g"))
                .node(node("Add", in("g", "beta"), "y"));
        if (exposeCentered) {
            g.output(floats("d", 2, 5, 8));
        }
        return g;
    }

    @Test
    void layerNormalizationIsFusedIntoOneNode() {
        Model m = model(layerNorm(false).build());
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(1, r.rewrites().get("layer-norm"));
        assertEquals(List.of("dev.kiln::LayerNormalization"), ops(r.model()));
        assertEquals(1e-12f, r.model().graph().nodes().get(0).getFloat("epsilon", 0), 0);
        assertSameOutputs(m, Map.of("x", random(2, 5, 8)), 1e-5);
    }

    @Test
    void layerNormalizationIsLeftAloneWhenAnInnerValueIsAGraphOutput() {
        GraphOptimizer.Result r = GraphOptimizer.optimize(model(layerNorm(true).build()));
        assertEquals(0, r.rewrites().get("layer-norm"));
    }

    private Graph gelu(boolean halfFirst, boolean multiplyByRsqrt2) {
        Graph.Builder g = Graph.builder("gelu").input(floats("h", 3, 7)).output(floats("y", 3, 7))
                .node(constant("one", Tensor.scalar(1f))).node(constant("half", Tensor.scalar(0.5f)));
        if (multiplyByRsqrt2) {
            g.node(constant("k", Tensor.scalar((float) Math.sqrt(0.5)))).node(node("Mul", in("h", "k"), "t"));
        } else {
            g.node(constant("k", Tensor.scalar((float) Math.sqrt(2)))).node(node("Div", in("h", "k"), "t"));
        }
        g.node(node("Erf", in("t"), "e")).node(node("Add", in("e", "one"), "e1"));
        if (halfFirst) {
            g.node(node("Mul", in("h", "half"), "hh")).node(node("Mul", in("hh", "e1"), "y"));
        } else {
            g.node(node("Mul", in("h", "e1"), "he")).node(node("Mul", in("he", "half"), "y"));
        }
        return g.build();
    }

    @Test
    void geluIsFusedInEachWrittenOrder() {
        for (boolean halfFirst : new boolean[] {false, true}) {
            for (boolean rsqrt : new boolean[] {false, true}) {
                Model m = model(gelu(halfFirst, rsqrt));
                GraphOptimizer.Result r = GraphOptimizer.optimize(m);
                assertEquals(List.of("dev.kiln::Gelu"), ops(r.model()), "halfFirst=" + halfFirst + " rsqrt=" + rsqrt);
                assertSameOutputs(m, Map.of("h", random(3, 7)), 1e-6);
            }
        }
    }

    private Graph dense(String activation, long biasWidth) {
        Graph.Builder g = Graph.builder("dense").input(floats("x", 2, 4, 6)).output(floats("y", 2, 4, 5))
                .initializer("w", random(6, 5)).initializer("b", random(biasWidth))
                .node(node("MatMul", in("x", "w"), "p")).node(node("Add", in("b", "p"), activation == null ? "y" : "z"));
        if (activation != null) {
            g.node(node(activation, in("z"), "y"));
        }
        return g.build();
    }

    @Test
    void matMulBiasAndActivationBecomeOneFusedMatMul() {
        for (String act : new String[] {null, "Relu", "Sigmoid", "Tanh"}) {
            Model m = model(dense(act, 5));
            GraphOptimizer.Result r = GraphOptimizer.optimize(m);
            assertEquals(List.of("dev.kiln::FusedMatMul"), ops(r.model()), String.valueOf(act));
            assertEquals(act == null ? "" : act, r.model().graph().nodes().get(0).getString("activation", "?"));
            assertSameOutputs(m, Map.of("x", random(2, 4, 6)), 1e-5);
        }
    }

    @Test
    void geluChainAfterADenseLayerFusesIntoTheMatMul() {
        Graph g = Graph.builder("ffn").input(floats("x", 2, 6)).output(floats("y", 2, 5))
                .initializer("w", random(6, 5)).initializer("b", random(5))
                .node(node("MatMul", in("x", "w"), "p")).node(node("Add", in("p", "b"), "h"))
                .node(constant("k", Tensor.scalar((float) Math.sqrt(2)))).node(constant("one", Tensor.scalar(1f)))
                .node(constant("half", Tensor.scalar(0.5f))).node(node("Div", in("h", "k"), "t")).node(node("Erf", in("t"), "e"))
                .node(node("Add", in("e", "one"), "e1")).node(node("Mul", in("h", "e1"), "he")).node(node("Mul", in("he", "half"), "y"))
                .build();
        Model m = model(g);
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(List.of("dev.kiln::FusedMatMul"), ops(r.model()));
        assertEquals("Gelu", r.model().graph().nodes().get(0).getString("activation", ""));
        assertSameOutputs(m, Map.of("x", random(2, 6)), 1e-5);
    }

    @Test
    void aBiasOfTheWrongWidthIsNotFused() {
        Graph g = Graph.builder("bcast").input(floats("x", 2, 6)).output(floats("y", 2, 5))
                .initializer("w", random(6, 5)).initializer("b", random(2, 1))
                .node(node("MatMul", in("x", "w"), "p")).node(node("Add", in("p", "b"), "y")).build();
        assertEquals(List.of("MatMul", "Add"), ops(GraphOptimizer.optimize(model(g)).model()));
    }

    /** A residual Add of x[2,5,8] and r feeding an ONNX LayerNormalization; the sum is also an output when exposed. */
    private Graph residualLayerNorm(Object[] residualDims, boolean exposeSum, boolean withBias) {
        Graph.Builder g = Graph.builder("skip").input(floats("x", 2, 5, 8)).input(floats("r", residualDims)).output(floats("y", 2, 5, 8))
                .initializer("gamma", random(8)).initializer("beta", random(8))
                .node(node("Add", in("x", "r"), "sum"))
                .node(Node.builder("LayerNormalization").inputs(withBias ? List.of("sum", "gamma", "beta") : List.of("sum", "gamma"))
                        .output("y").attr("epsilon", 1e-3f).build());
        if (exposeSum) {
            g.output(floats("sum", 2, 5, 8)).node(node("Relu", in("sum"), "after")).output(floats("after", 2, 5, 8));
        }
        return g.build();
    }

    @Test
    void residualAddFeedingALayerNormBecomesOneSkipLayerNormalization() {
        for (boolean withBias : new boolean[] {true, false}) {
            Model m = model(residualLayerNorm(new Object[] {2, 5, 8}, false, withBias));
            GraphOptimizer.Result r = GraphOptimizer.optimize(m);
            assertEquals(1, r.rewrites().get("add-layer-norm"));
            assertEquals(List.of("dev.kiln::SkipLayerNormalization"), ops(r.model()));
            Node fusedNode = r.model().graph().nodes().get(0);
            assertEquals(List.of("y"), fusedNode.outputs());
            assertEquals(1e-3f, fusedNode.getFloat("epsilon", 0), 0);
            assertSameOutputs(m, Map.of("x", random(2, 5, 8), "r", random(2, 5, 8)), 1e-5);
        }
    }

    @Test
    void aSumReadElsewhereIsKeptAsTheSecondOutput() {
        Model m = model(residualLayerNorm(new Object[] {2, 5, 8}, true, true));
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(List.of("dev.kiln::SkipLayerNormalization", "Relu"), ops(r.model()));
        assertEquals(List.of("y", "sum"), r.model().graph().nodes().get(0).outputs());
        assertSameOutputs(m, Map.of("x", random(2, 5, 8), "r", random(2, 5, 8)), 1e-5);
    }

    @Test
    void aBroadcastResidualAndADecomposedLayerNormAreFusedToo() {
        Model broadcast = model(residualLayerNorm(new Object[] {5, 1}, false, true));
        assertEquals(List.of("dev.kiln::SkipLayerNormalization"), ops(GraphOptimizer.optimize(broadcast).model()));
        assertSameOutputs(broadcast, Map.of("x", random(2, 5, 8), "r", random(5, 1)), 1e-5);
        // BERT's exported form: the decomposed layer norm is fused first, then the Add into it
        Graph.Builder g = layerNorm(false);
        Graph ln = g.build();
        Graph withAdd = ln.toBuilder().clearNodes().clearInputs().input(floats("a", 2, 5, 8)).input(floats("b", 2, 5, 8))
                .node(node("Add", in("a", "b"), "x")).nodes(ln.nodes()).build();
        Model m = model(withAdd);
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        assertEquals(List.of("dev.kiln::SkipLayerNormalization"), ops(r.model()));
        assertSameOutputs(m, Map.of("a", random(2, 5, 8), "b", random(2, 5, 8)), 1e-5);
    }

    @Test
    void nodesNothingReadsAreRemoved() {
        Graph g = Graph.builder("dead").input(floats("x", 3)).output(floats("y", 3))
                .node(node("Relu", in("x"), "y")).node(node("Neg", in("x"), "unused")).node(node("Exp", in("unused"), "unused2")).build();
        GraphOptimizer.Result r = GraphOptimizer.optimize(model(g));
        assertEquals(2, r.removedNodes());
        assertEquals(List.of("Relu"), ops(r.model()));
    }

    @Test
    void miniLmsLayerNormsGelusAndDenseLayersAreAllFused() throws java.io.IOException {
        Model m;
        try (java.io.InputStream in = GraphOptimizerTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            m = dev.kiln.api.format.ModelFormats.reader("onnx").read(in.readAllBytes(), dev.kiln.api.format.ModelLoadOptions.defaults());
        }
        GraphOptimizer.Result r = GraphOptimizer.optimize(m);
        // 6 layers: 2 layer norms each plus the embeddings'; one GELU each; 6 dense layers each (Q, K, V, out, FFN in, FFN out)
        Map<String, Integer> fusions = Map.of("conv-batchnorm", 0, "conv-add-activation", 0, "layer-norm", 13, "gelu", 6, "matmul-bias-activation", 36,
                "attention", 6, "add-layer-norm", 13);
        fusions.forEach((pass, count) -> assertEquals(count, r.rewrites().get(pass), pass));
        assertEquals(0, r.model().graph().nodes().stream().filter(n -> n.opType().equals("Transpose") || n.opType().equals("Softmax")).count());
        assertEquals(6, r.model().graph().nodes().stream().filter(n -> n.opType().equals("FusedMatMul")
                && n.getString("activation", "").equals("Gelu")).count());
    }

    /** Self-attention over x[2,5,12] with 3 heads of 4, in the form BERT exports write it. */
    private Graph attention(boolean opset11Softmax, boolean withMask) {
        Tensor heads = Tensor.of(new long[] {2, 5, 3, 4}, 4);
        Graph.Builder g = Graph.builder("attn").input(floats("q", 2, 5, 12)).input(floats("k", 2, 5, 12)).input(floats("v", 2, 5, 12))
                .output(floats("y", 2, 5, 12))
                .initializer("shape4", heads).initializer("shape3", Tensor.of(new long[] {2, 5, 12}, 3))
                .node(constant("c", Tensor.scalar(2f)))
                .node(node("Reshape", in("q", "shape4"), "qr")).node(Node.builder("Transpose").input("qr").output("qt").attr("perm", 0, 2, 1, 3).build())
                .node(node("Reshape", in("k", "shape4"), "kr")).node(Node.builder("Transpose").input("kr").output("kt").attr("perm", 0, 2, 3, 1).build())
                .node(node("Reshape", in("v", "shape4"), "vr")).node(Node.builder("Transpose").input("vr").output("vt").attr("perm", 0, 2, 1, 3).build())
                .node(node("MatMul", in("qt", "kt"), "s")).node(node("Div", in("s", "c"), "ss"));
        String logits = "ss";
        if (withMask) {
            g.input(floats("mask", 2, 1, 1, 5)).node(node("Add", in("ss", "mask"), "sm"));
            logits = "sm";
        }
        if (opset11Softmax) {
            g.node(node("Shape", in(logits), "lshape")).node(Node.builder("Flatten").input(logits).output("flat").attr("axis", 3L).build())
                    .node(Node.builder("Softmax").input("flat").output("p2").attr("axis", 1L).build()).node(node("Reshape", in("p2", "lshape"), "p"));
        } else {
            g.node(Node.builder("Softmax").input(logits).output("p").attr("axis", -1L).build());
        }
        g.node(node("MatMul", in("p", "vt"), "o")).node(Node.builder("Transpose").input("o").output("ot").attr("perm", 0, 2, 1, 3).build())
                .node(node("Reshape", in("ot", "shape3"), "y"));
        return g.build();
    }

    @Test
    void selfAttentionBecomesOneMultiHeadAttention() {
        for (boolean opset11 : new boolean[] {false, true}) {
            for (boolean masked : new boolean[] {false, true}) {
                Model m = model(attention(opset11, masked));
                GraphOptimizer.Result r = GraphOptimizer.optimize(m);
                assertEquals(List.of("dev.kiln::MultiHeadAttention"), ops(r.model()), "opset11=" + opset11 + " masked=" + masked);
                Node fusedNode = r.model().graph().nodes().get(0);
                assertEquals(3, fusedNode.getInt("num_heads", 0));
                assertEquals(0.5f, fusedNode.getFloat("scale", 0), 0);
                Map<String, Tensor> feeds = new java.util.HashMap<>(Map.of("q", random(2, 5, 12), "k", random(2, 5, 12), "v", random(2, 5, 12)));
                if (masked) {
                    Tensor mask = random(2, 1, 1, 5);
                    mask.floatData()[3] = -10000f;
                    feeds.put("mask", mask);
                }
                assertSameOutputs(m, feeds, 1e-5);
            }
        }
    }

    static List<String> ops(Model m) {
        return m.graph().nodes().stream().map(n -> n.domain().isEmpty() ? n.opType() : n.domain() + "::" + n.opType()).toList();
    }

    static void assertSameOutputs(Model m, Map<String, Tensor> feeds, double tolerance) {
        Map<String, RuntimeValue> plain;
        Map<String, RuntimeValue> fused;
        try (Session s = Session.open(m, SessionOptions.builder().threads(2).optimize(false).build())) {
            plain = s.run(feeds);
        }
        try (Session s = Session.open(m, SessionOptions.builder().threads(2).build())) {
            fused = s.run(feeds);
        }
        for (Map.Entry<String, RuntimeValue> e : plain.entrySet()) {
            TensorAssert.assertClose((Tensor) e.getValue(), (Tensor) fused.get(e.getKey()), tolerance, tolerance);
        }
    }
}
