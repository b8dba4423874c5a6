package dev.kiln.runtime.exec;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.floatsOfAnyShape;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.testing.TinyHostProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * If, Loop, Scan and SequenceMap run by the runtime, with bodies on a small recording host backend: outer-scope reads,
 * carried values (tensors and sequences), scan outputs, axes and directions, and memory balance.
 */
class ControlFlowTest {
    private final TinyHostProvider tiny = new TinyHostProvider();
    private final SessionFactory factory = new SessionFactory(BackendRegistry.of(List.of(tiny)));

    private Session open(Graph g) {
        GraphVerifier.verify(g);
        return factory.open(model(g), SessionOptions.builder().threads(1).build());
    }

    private static Tensor floatsOf(float... v) {
        return Tensor.of(v, v.length);
    }

    private static float[] values(RuntimeValue v) {
        return ((Tensor) v).floatData();
    }

    @Test
    void ifRunsTheChosenBranchReadingOuterValues() {
        Graph thenG = Graph.builder("then").output(floats("t", 3)).node(node("Neg", in("x"), "t")).build();
        Graph elseG = Graph.builder("else").output(floats("e", 3)).node(node("Relu", in("x"), "e")).build();
        Node ifNode = Node.builder("If").name("choose").input("c").output("y").attr("then_branch", thenG).attr("else_branch", elseG).build();
        Graph g = Graph.builder("if").input(tensor("c", DType.BOOL)).input(floats("x", 3)).output(floats("y", 3)).node(ifNode).build();
        try (Session s = open(g)) {
            assertArrayEquals(new float[] {1, -2, 3}, values(s.run(Map.of("c", Tensor.scalar(true), "x", floatsOf(-1, 2, -3))).get("y")));
            assertArrayEquals(new float[] {0, 2, 0}, values(s.run(Map.of("c", Tensor.scalar(false), "x", floatsOf(-1, 2, -3))).get("y")));
            assertEquals("runtime", s.assignment().get(0).backendId());
            assertEquals(List.of("choose", "neg_t", "relu_e"), s.assignment().stream().map(a -> a.nodeName()).toList());
            assertEquals(tiny.allocations(), tiny.releases() + 2, "only the two outputs stay allocated");
        }
    }

    @Test
    void aBranchThatCannotRunOnTheseShapesDoesNotStopTheSessionFromOpening() {
        // else adds float32[2] to float32[3]: shape inference rejects it, but only a false condition would run it
        Graph thenG = Graph.builder("then").output(floats("t", 2)).node(node("Neg", in("x"), "t")).build();
        Graph elseG = Graph.builder("else").output(floats("e", 2)).node(node("Add", in("x", "z"), "e")).build();
        Node ifNode = Node.builder("If").name("choose").input("c").output("y").attr("then_branch", thenG).attr("else_branch", elseG).build();
        Graph g = Graph.builder("dead_branch").input(tensor("c", DType.BOOL)).input(floats("x", 2)).input(floats("z", 3)).output(floats("y", 2))
                .node(ifNode).build();
        try (Session s = open(g)) {
            Map<String, RuntimeValue> feeds = Map.of("c", Tensor.scalar(true), "x", floatsOf(1, 2), "z", floatsOf(1, 2, 3));
            assertArrayEquals(new float[] {-1, -2}, values(s.run(feeds).get("y")));
        }
    }

    /** body(i, cond, s) -> (cond, s + x, s + x): a running sum of the outer value x, with its history as scan output. */
    private static Graph sumBody(String condOutOp) {
        return Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 3))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 3)).output(floats("scan", 3))
                .node(node(condOutOp, in("cond_in"), "cond_out")).node(node("Add", in("s_in", "x"), "s_out"))
                .node(node("Identity", in("s_out"), "scan")).build();
    }

    private static Graph loopGraph(Graph body, boolean withM, boolean withCond) {
        Node loop = Node.builder("Loop").name("loop").input(withM ? "M" : "").input(withCond ? "c" : "").input("s0")
                .outputs("s_final", "history").attr("body", body).build();
        Graph.Builder g = Graph.builder("loop");
        if (withM) {
            g.input(tensor("M", DType.INT64));
        }
        if (withCond) {
            g.input(tensor("c", DType.BOOL));
        }
        return g.input(floats("s0", 3)).input(floats("x", 3)).output(floats("s_final", 3)).output(floats("history", null, 3)).node(loop).build();
    }

    @Test
    void loopWithTripCountCarriesValuesAndStacksScanOutputs() {
        try (Session s = open(loopGraph(sumBody("Identity"), true, false))) {
            Map<String, RuntimeValue> out = s.run(Map.of("M", Tensor.scalar(3L), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 2, 3)));
            assertArrayEquals(new float[] {3, 6, 9}, values(out.get("s_final")));
            Tensor history = (Tensor) out.get("history");
            assertArrayEquals(new long[] {3, 3}, history.dims());
            assertArrayEquals(new float[] {1, 2, 3, 2, 4, 6, 3, 6, 9}, history.floatData());
            assertEquals(tiny.allocations(), tiny.releases() + 2, "per-iteration values all go back; the two outputs stay");
        }
    }

    @Test
    void withoutACondInputTheBodyConditionIsIgnored() {
        // cond_out = (0 < 0) is always false
        Graph falseBody = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 3))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 3)).output(floats("scan", 3))
                .initializer("zero", Tensor.scalar(0f)).node(node("Less", in("zero", "zero"), "cond_out"))
                .node(node("Add", in("s_in", "x"), "s_out")).node(node("Identity", in("s_out"), "scan")).build();
        try (Session s = open(loopGraph(falseBody, true, false))) {
            Map<String, RuntimeValue> out = s.run(Map.of("M", Tensor.scalar(4L), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 1, 1)));
            assertArrayEquals(new float[] {4, 4, 4}, values(out.get("s_final")), "four iterations although cond_out is false");
        }
        try (Session s = open(loopGraph(falseBody, true, true))) {
            Map<String, RuntimeValue> out = s.run(Map.of("M", Tensor.scalar(4L), "c", Tensor.scalar(true), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 1, 1)));
            assertArrayEquals(new float[] {1, 1, 1}, values(out.get("s_final")), "with a cond input, a false cond_out stops after one iteration");
        }
    }

    @Test
    void loopDrivenByConditionStopsWhenItTurnsFalse() {
        Graph body = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 1))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 1))
                .node(node("Add", in("s_in", "one"), "s_out")).node(node("Less", in("s_out", "limit"), "cond_out")).build();
        Node loop = Node.builder("Loop").name("while").inputs("", "c", "s0").output("s_final").attr("body", body).build();
        Graph g = Graph.builder("while").input(tensor("c", DType.BOOL)).input(floats("s0", 1)).output(floats("s_final", 1))
                .initializer("one", floatsOf(1)).initializer("limit", floatsOf(5)).node(loop).build();
        try (Session s = open(g)) {
            assertArrayEquals(new float[] {5}, values(s.run(Map.of("c", Tensor.scalar(true), "s0", floatsOf(0))).get("s_final")));
            assertArrayEquals(new float[] {0}, values(s.run(Map.of("c", Tensor.scalar(false), "s0", floatsOf(0))).get("s_final")),
                    "a false initial condition runs no iteration");
        }
    }

    @Test
    void aLoopMayOmitItsTrailingScanOutputs() {
        Node loop = Node.builder("Loop").name("loop").inputs("M", "", "s0").output("s_final").attr("body", sumBody("Identity")).build();
        Graph g = Graph.builder("short").input(tensor("M", DType.INT64)).input(floats("s0", 3)).input(floats("x", 3)).output(floats("s_final", 3))
                .node(loop).build();
        try (Session s = open(g)) {
            Map<String, RuntimeValue> out = s.run(Map.of("M", Tensor.scalar(2L), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 2, 3)));
            assertArrayEquals(new float[] {2, 4, 6}, values(out.get("s_final")));
            assertEquals(tiny.allocations(), tiny.releases() + 1, "the unused scan values go back too");
        }
    }

    @Test
    void zeroIterationsGiveTheInitialValuesAndEmptyScanOutputs() {
        try (Session s = open(loopGraph(sumBody("Identity"), true, false))) {
            Tensor s0 = floatsOf(7, 8, 9);
            Map<String, RuntimeValue> out = s.run(Map.of("M", Tensor.scalar(0L), "s0", s0, "x", floatsOf(1, 2, 3)));
            assertArrayEquals(new float[] {7, 8, 9}, values(out.get("s_final")));
            assertArrayEquals(new long[] {0, 3}, ((Tensor) out.get("history")).dims());
        }
    }

    @Test
    void loopCarriesSequences() {
        Value seqIn = new Value("seq_in", new ValueType.SequenceType(ValueType.tensor(DType.FLOAT, 3)));
        Value seqOut = new Value("seq_out", new ValueType.SequenceType(ValueType.tensor(DType.FLOAT, 3)));
        Graph body = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(seqIn)
                .output(tensor("cond_out", DType.BOOL)).output(seqOut)
                .node(node("Identity", in("cond_in"), "cond_out")).node(node("Append", in("seq_in", "x"), "seq_out")).build();
        Node loop = Node.builder("Loop").name("collect").inputs("M", "", "empty").output("all").attr("body", body).build();
        Graph g = Graph.builder("seq").input(tensor("M", DType.INT64)).input(new Value("empty", seqIn.type())).input(floats("x", 3))
                .output(new Value("all", seqIn.type())).node(loop).build();
        try (Session s = open(g)) {
            TensorSequence all = (TensorSequence) s.run(Map.of("M", Tensor.scalar(3L), "empty", new TensorSequence(DType.FLOAT, List.of()),
                    "x", floatsOf(1, 2, 3))).get("all");
            assertEquals(3, all.size());
            assertArrayEquals(new float[] {1, 2, 3}, all.get(2).floatData());
        }
    }

    @Test
    void ifNestedInALoopReadsValuesTwoScopesUp() {
        Graph thenG = Graph.builder("then").output(floats("t", 3)).node(node("Add", in("s_in", "x"), "t")).build();
        Graph elseG = Graph.builder("else").output(floats("e", 3)).node(node("Neg", in("s_in"), "e")).build();
        Graph body = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 3))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 3))
                .node(node("Identity", in("cond_in"), "cond_out"))
                .node(Node.builder("If").name("inner").input("flag").output("s_out").attr("then_branch", thenG).attr("else_branch", elseG).build())
                .build();
        Node loop = Node.builder("Loop").name("outer").inputs("M", "", "s0").output("s_final").attr("body", body).build();
        Graph g = Graph.builder("nested").input(tensor("M", DType.INT64)).input(tensor("flag", DType.BOOL)).input(floats("s0", 3))
                .input(floats("x", 3)).output(floats("s_final", 3)).node(loop).build();
        try (Session s = open(g)) {
            Map<String, RuntimeValue> feeds = Map.of("M", Tensor.scalar(2L), "flag", Tensor.scalar(true), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 2, 3));
            assertArrayEquals(new float[] {2, 4, 6}, values(s.run(feeds).get("s_final")));
            assertEquals(List.of("outer", "identity_cond_out", "inner", "add_t", "neg_e"), s.assignment().stream().map(a -> a.nodeName()).toList());
        }
    }

    private static Graph scanGraph(long[] inAxes, long[] inDirs, long[] outAxes, long[] outDirs, Object... xDims) {
        Graph body = Graph.builder("body").input(floats("sum_in", 2)).input(floats("x_t", 2)).output(floats("sum_out", 2)).output(floats("y_t", 2))
                .node(node("Add", in("sum_in", "x_t"), "sum_out")).node(node("Identity", in("sum_out"), "y_t")).build();
        Node.Builder scan = Node.builder("Scan").name("cumsum").inputs("init", "x").outputs("sum", "y").attr("body", body).attr("num_scan_inputs", 1L);
        if (inAxes != null) {
            scan.attr("scan_input_axes", inAxes).attr("scan_input_directions", inDirs).attr("scan_output_axes", outAxes)
                    .attr("scan_output_directions", outDirs);
        }
        return Graph.builder("scan").input(floats("init", 2)).input(floats("x", xDims)).output(floats("sum", 2)).output(floatsOfAnyShape("y"))
                .node(scan.build()).build();
    }

    @Test
    void scanAccumulatesAlongAxisZero() {
        try (Session s = open(scanGraph(null, null, null, null, 3, 2))) {
            Map<String, RuntimeValue> out = s.run(Map.of("init", floatsOf(0, 0), "x", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2)));
            assertArrayEquals(new float[] {9, 12}, values(out.get("sum")));
            Tensor y = (Tensor) out.get("y");
            assertArrayEquals(new long[] {3, 2}, y.dims());
            assertArrayEquals(new float[] {1, 2, 4, 6, 9, 12}, y.floatData());
            assertEquals(tiny.allocations(), tiny.releases() + 2);
        }
    }

    @Test
    void scanHonoursAxesAndDirections() {
        // x is [2, 3]: scan over axis 1 from the end; stack the outputs along axis 1, reversed again
        long[] one = {1};
        try (Session s = open(scanGraph(one, one, one, one, 2, 3))) {
            Map<String, RuntimeValue> out = s.run(Map.of("init", floatsOf(0, 0), "x", Tensor.of(new float[] {1, 2, 3, 10, 20, 30}, 2, 3)));
            assertArrayEquals(new float[] {6, 60}, values(out.get("sum")));
            Tensor y = (Tensor) out.get("y");
            assertArrayEquals(new long[] {2, 3}, y.dims());
            // iteration order reads columns 2, 1, 0: sums (3,30), (5,50), (6,60); stored reversed, column j holds the suffix sum from j
            assertArrayEquals(new float[] {6, 5, 3, 60, 50, 30}, y.floatData());
        }
    }

    @Test
    void aFailureInsideABodyNamesTheControlFlowNodeAndTheFailingNode() {
        Graph body = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 3))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 3))
                .node(node("Identity", in("cond_in"), "cond_out")).node(node("Add", in("s_in", "x"), "s_out")).build();
        Node loop = Node.builder("Loop").name("outer").inputs("M", "", "s0").output("s_final").attr("body", body).build();
        Graph g = Graph.builder("bad").input(tensor("M", DType.INT64)).input(floats("s0", 3)).input(floatsOfAnyShape("x"))
                .output(floats("s_final", 3)).node(loop).build();
        try (Session s = open(g)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> s.run(Map.of("M", Tensor.scalar(1L), "s0", floatsOf(0, 0, 0), "x", floatsOf(1, 2))));
            assertTrue(e.getMessage().startsWith("node 'outer' (Loop): node 'add_s_out' (Add): "), e.getMessage());
        }
    }

    /** SequenceMap over xs and ys with b whole: out1[i] = (xs[i] + ys[i]) * b, out2[i] = -xs[i]. */
    private Graph sequenceMapGraph() {
        ValueType seqType = new ValueType.SequenceType(ValueType.tensor(DType.FLOAT, 3));
        Graph body = Graph.builder("body").input(floats("x", 3)).input(floats("y", 3)).input(floats("w", 3))
                .output(floats("o1", 3)).output(floats("o2", 3))
                .node(node("Add", in("x", "y"), "s")).node(node("Mul", in("s", "w"), "o1")).node(node("Neg", in("x"), "o2")).build();
        Node map = Node.builder("SequenceMap").name("map").inputs("xs", "ys", "b").outputs("out1", "out2").attr("body", body).build();
        return Graph.builder("map").input(new Value("xs", seqType)).input(new Value("ys", seqType)).input(floats("b", 3))
                .output(new Value("out1", seqType)).output(new Value("out2", seqType)).node(map).build();
    }

    @Test
    void sequenceMapRunsTheBodyPerElement() {
        try (Session s = open(sequenceMapGraph())) {
            TensorSequence xs = new TensorSequence(DType.FLOAT, List.of(floatsOf(1, 2, 3), floatsOf(4, 5, 6)));
            TensorSequence ys = new TensorSequence(DType.FLOAT, List.of(floatsOf(1, 1, 1), floatsOf(-4, 0, 4)));
            Map<String, RuntimeValue> out = s.run(Map.of("xs", xs, "ys", ys, "b", floatsOf(1, 10, 100)));
            TensorSequence out1 = (TensorSequence) out.get("out1");
            TensorSequence out2 = (TensorSequence) out.get("out2");
            assertEquals(2, out1.size());
            assertArrayEquals(new float[] {2, 30, 400}, out1.get(0).floatData());
            assertArrayEquals(new float[] {0, 50, 1000}, out1.get(1).floatData());
            assertArrayEquals(new float[] {-4, -5, -6}, out2.get(1).floatData());
            assertEquals("runtime", s.assignment().get(0).backendId());
            assertEquals(tiny.allocations(), tiny.releases() + 4, "the per-element sums go back; the four output tensors stay");
        }
    }

    @Test
    void sequenceMapOverAnEmptySequenceGivesEmptySequencesOfTheDeclaredType() {
        try (Session s = open(sequenceMapGraph())) {
            TensorSequence none = new TensorSequence(DType.FLOAT, List.of());
            TensorSequence out1 = (TensorSequence) s.run(Map.of("xs", none, "ys", none, "b", floatsOf(1, 1, 1))).get("out1");
            assertEquals(0, out1.size());
            assertEquals(DType.FLOAT, out1.elementType());
        }
    }

    @Test
    void sequenceMapRejectsSequencesOfDifferentLengths() {
        try (Session s = open(sequenceMapGraph())) {
            TensorSequence two = new TensorSequence(DType.FLOAT, List.of(floatsOf(1, 2, 3), floatsOf(4, 5, 6)));
            TensorSequence one = new TensorSequence(DType.FLOAT, List.of(floatsOf(1, 2, 3)));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(Map.of("xs", two, "ys", one, "b", floatsOf(1, 1, 1))));
            assertTrue(e.getMessage().contains("same length"), e.getMessage());
        }
    }
}
