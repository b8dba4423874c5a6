package dev.kiln.runtime.passes;

import static dev.kiln.runtime.passes.GraphOptimizerTest.assertSameOutputs;
import static dev.kiln.runtime.passes.GraphOptimizerTest.ops;
import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.RandomTensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shape folding, constant folding and common-subexpression elimination: what they rewrite, what they leave, same outputs. */
class GraphSimplificationTest {
    private final Random random = new Random(5);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -2f, 2f, dims);
    }

    /** Evaluates constant subgraphs as a session would: an unoptimized session on the default backends. */
    private static Map<String, Tensor> evaluate(Model m) {
        try (Session s = Session.open(m, SessionOptions.builder().optimize(false).build())) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            s.run(Map.of()).forEach((k, v) -> out.put(k, (Tensor) v));
            return out;
        }
    }

    private static GraphOptimizer.Result optimize(Model m) {
        return GraphOptimizer.optimize(m, GraphSimplificationTest::evaluate);
    }

    private static Node constant(String name, Tensor value) {
        return Node.builder("Constant").output(name).attr("value", value).build();
    }

    /** y = Reshape(x, Concat(Gather(Shape(x), 0), [-1])): the export idiom for flattening all but the first axis. */
    private static Graph flatten(Object firstDim) {
        return Graph.builder("flatten").input(floats("x", firstDim, 3, 4)).output(floats("y", firstDim, 12))
                .initializer("zero", Tensor.scalar(0L)).initializer("minus1", Tensor.of(new long[] {-1}, 1))
                .initializer("axes", Tensor.of(new long[] {0}, 1))
                .node(node("Shape", in("x"), "s")).node(node("Gather", in("s", "zero"), "n"))
                .node(node("Unsqueeze", in("n", "axes"), "n1"))
                .node(Node.builder("Concat").name("concat").inputs("n1", "minus1").outputs("target").attr("axis", 0L).build())
                .node(node("Reshape", in("x", "target"), "y")).build();
    }

    @Test
    void aShapeChainOverAStaticInputFoldsAway() {
        Model m = model(flatten(2));
        GraphOptimizer.Result r = optimize(m);
        assertEquals(1, r.rewrites().get("shape-folding"));
        assertEquals(3, r.rewrites().get("constant-folding"), "Gather, Unsqueeze and Concat");
        assertEquals(List.of("Reshape"), ops(r.model()));
        Tensor target = r.model().graph().initializers().get("target");
        assertEquals(List.of(2L, -1L), List.of(target.getLong(0), target.getLong(1)));
        assertSameOutputs(m, Map.of("x", random(2, 3, 4)), 0);
    }

    @Test
    void aShapeOverASymbolicDimensionStays() {
        Model m = model(flatten("batch"));
        GraphOptimizer.Result r = optimize(m);
        assertEquals(0, r.rewrites().get("shape-folding"));
        assertEquals(List.of("Shape", "Gather", "Unsqueeze", "Concat", "Reshape"), ops(r.model()));
        assertSameOutputs(m, Map.of("x", random(5, 3, 4)), 0);
    }

    @Test
    void aDeclaredIntermediateShapeIsNotTrusted() {
        // value_info claims h is [7, 7]; the real h is x's [2, 3]: folding Shape(h) from the declaration would be wrong
        Graph g = Graph.builder("lie").input(floats("x", 2, 3)).output(new Value("y", null))
                .valueInfo(floats("h", 7, 7)).node(node("Relu", in("x"), "h")).node(node("Shape", in("h"), "y")).build();
        Model m = model(g);
        try (Session s = Session.open(m, SessionOptions.builder().build())) {
            Tensor y = (Tensor) s.run(Map.of("x", random(2, 3))).get("y");
            assertEquals(List.of(2L, 3L), List.of(y.getLong(0), y.getLong(1)));
        }
    }

    @Test
    void aTransposedScaledWeightIsComputedOnceAtSessionCreation() {
        Graph g = Graph.builder("w").input(floats("x", 4, 3)).output(floats("y", 4, 3))
                .initializer("w", random(3, 4)).node(constant("c", Tensor.scalar(0.5f)))
                .node(node("Transpose", in("w"), "wt")).node(node("Mul", in("wt", "c"), "ws"))
                .node(node("Add", in("x", "ws"), "y")).build();
        Model m = model(g);
        GraphOptimizer.Result r = optimize(m);
        assertEquals(2, r.rewrites().get("constant-folding"));
        assertEquals(List.of("Add"), ops(r.model()));
        assertSameOutputs(m, Map.of("x", random(4, 3)), 0);
    }

    @Test
    void foldingNeverGrowsTheModelByMuchOrFixesRandomDraws() {
        Graph g = Graph.builder("big").input(floats("x", 1024, 1024)).output(floats("y", 1024, 1024))
                .initializer("dims", Tensor.of(new long[] {1024, 1024}, 2))
                .node(node("ConstantOfShape", in("dims"), "zeros"))
                .node(Node.builder("RandomUniform").name("noise").output("r").attr("shape", new long[] {1024, 1024}).build())
                .node(node("Add", in("zeros", "r"), "zr")).node(node("Add", in("x", "zr"), "y")).build();
        GraphOptimizer.Result r = optimize(model(g));
        assertEquals(0, r.rewrites().get("constant-folding"));
        assertEquals(List.of("ConstantOfShape", "RandomUniform", "Add", "Add"), ops(r.model()));
    }

    @Test
    void aConstantNodeThatFailsStaysAndFailsAsItWouldUnoptimized() {
        Graph g = Graph.builder("bad").input(floats("x", 4)).output(floats("y", 4))
                .initializer("w", random(2, 3)).initializer("shape", Tensor.of(new long[] {4}, 1))
                .node(node("Reshape", in("w", "shape"), "w4")).node(node("Add", in("x", "w4"), "y")).build();
        Model m = model(g);
        GraphOptimizer.Result r = optimize(m);
        assertEquals(0, r.rewrites().get("constant-folding"));
        assertEquals(List.of("Reshape", "Add"), ops(r.model()));
        for (boolean optimize : new boolean[] {false, true}) {
            KilnException e = assertThrows(KilnException.class, () -> {
                try (Session s = Session.open(m, SessionOptions.builder().optimize(optimize).build())) {
                    s.run(Map.of("x", random(4)));
                }
            });
            assertTrue(e.getMessage().contains("cannot reshape"), e.getMessage());
        }
    }

    @Test
    void repeatedComputationsAndEqualConstantsMerge() {
        Graph g = Graph.builder("cse").input(floats("x", 3, 5)).output(floats("y", 3, 5))
                .node(constant("a", Tensor.scalar(2f))).node(constant("b", Tensor.scalar(2f)))
                .node(node("Mul", in("x", "a"), "p")).node(node("Mul", in("x", "b"), "q"))
                .node(node("Relu", in("p"), "rp")).node(node("Relu", in("q"), "rq"))
                .node(node("Add", in("rp", "rq"), "y")).build();
        Model m = model(g);
        GraphOptimizer.Result r = optimize(m);
        assertEquals(3, r.rewrites().get("common-subexpressions"), "the constant, then Mul, then Relu");
        assertEquals(List.of("Constant", "Mul", "Relu", "Add"), ops(r.model()));
        assertEquals(List.of("rp", "rp"), r.model().graph().nodes().get(3).inputs());
        assertSameOutputs(m, Map.of("x", random(3, 5)), 0);
    }

    @Test
    void aRepeatedNodeWhoseOutputIsAGraphOutputIsKept() {
        Graph g = Graph.builder("outs").input(floats("x", 3)).output(floats("p", 3)).output(floats("q", 3))
                .node(node("Relu", in("x"), "p")).node(node("Relu", in("x"), "q")).build();
        GraphOptimizer.Result r = optimize(model(g));
        assertEquals(0, r.rewrites().get("common-subexpressions"));
        Map<String, RuntimeValue> out;
        try (Session s = Session.open(model(g), SessionOptions.builder().build())) {
            out = s.run(Map.of("x", Tensor.of(new float[] {-1, 0, 2}, 3)));
        }
        assertTrue(((Tensor) out.get("p")).contentEquals((Tensor) out.get("q")));
    }
}
