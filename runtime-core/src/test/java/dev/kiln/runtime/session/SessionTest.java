package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.floatsOfAnyShape;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Sessions on the CPU backend found on the class path. */
class SessionTest {
    private static final float[] W = {1, -1, 0, 0, 1, -1, -1, 0, 1, 2, 2, 2};
    private static final float[] B = {0.5f, -8f, 1f};

    /** y = relu(x @ w + b), also returning the pre-activation z. */
    private static Graph dense() {
        return Graph.builder("dense").input(floats("x", "batch", 4)).output(floats("y", "batch", 3)).output(floats("z", "batch", 3))
                .initializer("w", Tensor.of(W, 4, 3)).initializer("b", Tensor.of(B, 3))
                .node(node("MatMul", in("x", "w"), "h")).node(node("Add", in("h", "b"), "z")).node(node("Relu", in("z"), "y")).build();
    }

    private static float[] denseExpected(float[] x, int rows, boolean relu) {
        float[] out = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                float acc = B[j];
                for (int k = 0; k < 4; k++) {
                    acc += x[i * 4 + k] * W[k * 3 + j];
                }
                out[i * 3 + j] = relu ? Math.max(0, acc) : acc;
            }
        }
        return out;
    }

    /** Node for node as built: these tests look at individual nodes, which fusion would merge. */
    private static SessionOptions options() {
        return SessionOptions.builder().threads(2).optimize(false).build();
    }

    @Test
    void profilingCountsEachOpTypeOncePerRunOnlyWhileOn() {
        try (Session s = Session.open(model(dense()), options())) {
            Map<String, RuntimeValue> feeds = Map.of("x", Tensor.of(new float[8], 2, 4));
            s.run(feeds);
            assertTrue(s.profile().isEmpty());
            s.profiling(true);
            s.run(feeds);
            s.run(feeds);
            List<dev.kiln.runtime.exec.OpTiming> p = s.profile();
            assertEquals(List.of("Add", "MatMul", "Relu"), p.stream().map(t -> t.opType()).sorted().toList());
            for (dev.kiln.runtime.exec.OpTiming t : p) {
                assertEquals(2, t.calls(), t.toString());
                assertEquals("cpu", t.backendId());
                assertTrue(t.nanos() > 0, t.toString());
            }
            s.profiling(false);
            s.run(feeds);
            assertTrue(s.profile().isEmpty());
        }
    }

    @Test
    void theOptimizerFusesMatMulAndAddButKeepsTheAddOutputTheGraphReturns() {
        float[] x = {1, 2, 3, 4, -1, 0.5f, 2, -3};
        try (Session s = Session.open(model(dense()), SessionOptions.builder().threads(2).build())) {
            Map<String, RuntimeValue> out = s.run(Map.of("x", Tensor.of(x, 2, 4)));
            assertArrayEquals(denseExpected(x, 2, true), ((Tensor) out.get("y")).floatData(), 1e-5f);
            assertArrayEquals(denseExpected(x, 2, false), ((Tensor) out.get("z")).floatData(), 1e-5f);
            // z is a graph output, so Relu cannot join the fused node
            assertEquals(List.of("FusedMatMul", "Relu"), s.assignment().stream().map(NodeAssignment::opType).toList());
        }
    }

    @Test
    void runsMatMulAddReluOnTheCpu() {
        try (Session s = Session.open(model(dense()), options())) {
            float[] x = {1, 2, 3, 4, -1, 0.5f, 2, -3};
            Map<String, RuntimeValue> out = s.run(Map.of("x", Tensor.of(x, 2, 4)));
            assertEquals(List.of("y", "z"), List.copyOf(out.keySet()));
            assertArrayEquals(denseExpected(x, 2, true), ((Tensor) out.get("y")).floatData(), 1e-5f);
            assertArrayEquals(denseExpected(x, 2, false), ((Tensor) out.get("z")).floatData(), 1e-5f);
            assertEquals("cpu: 3 nodes", s.backendSummary());
            assertEquals(List.of("cpu", "cpu", "cpu"), s.assignment().stream().map(NodeAssignment::backendId).toList());
        }
    }

    @Test
    void theSymbolicBatchTakesAnySize() {
        try (Session s = Session.open(model(dense()), options())) {
            for (int rows : new int[] {1, 3, 7}) {
                float[] x = new float[rows * 4];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i % 5) - 2;
                }
                Tensor y = (Tensor) s.run(Map.of("x", Tensor.of(x, rows, 4)), List.of("y")).get("y");
                assertArrayEquals(denseExpected(x, rows, true), y.floatData(), 1e-5f);
            }
        }
    }

    @Test
    void inputsListRequiredInputsFirstAndDefaultsCanBeOverridden() {
        Graph g = Graph.builder("defaults").input(floats("bias", 3)).input(floats("x", 1, 3)).output(floats("y", 1, 3))
                .initializer("bias", Tensor.of(new float[] {1, 1, 1}, 3)).node(node("Add", in("x", "bias"), "y")).build();
        try (Session s = Session.open(model(g), options())) {
            assertEquals(List.of("x", "bias"), s.inputs().stream().map(Value::name).toList());
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
            assertArrayEquals(new float[] {2, 3, 4}, ((Tensor) s.run(Map.of("x", x)).get("y")).floatData());
            assertArrayEquals(new float[] {11, 12, 13},
                    ((Tensor) s.run(Map.of("x", x, "bias", Tensor.of(new float[] {10, 10, 10}, 3))).get("y")).floatData());
        }
    }

    @Test
    void aClosedSessionRefusesEveryUse() {
        Session s = Session.open(model(dense()), options());
        s.close();
        s.close();
        Map<String, RuntimeValue> feeds = Map.of("x", Tensor.of(new float[4], 1, 4));
        for (Executable use : List.<Executable>of(() -> s.run(feeds), () -> s.run(feeds, List.of("y")), s::inputs, s::outputs, s::model,
                s::assignment, s::backendSummary, s::profile, () -> s.profiling(true))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertEquals("session for graph 'dense' is closed; open a new session to run it again", e.getMessage());
        }
    }

    @Test
    void anUnknownOutputNameIsRefused() {
        try (Session s = Session.open(model(dense()), options())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.run(Map.of("x", Tensor.of(new float[4], 1, 4)), List.of("logits")));
            assertEquals("unknown output 'logits'; the model's outputs are [y, z]", e.getMessage());
        }
    }

    @Test
    void theResultMapCannotBeChanged() {
        try (Session s = Session.open(model(dense()), options())) {
            Map<String, RuntimeValue> out = s.run(Map.of("x", Tensor.of(new float[4], 1, 4)));
            assertThrows(UnsupportedOperationException.class, () -> out.remove("y"));
        }
    }

    @Test
    void aKernelFailureNamesTheNode() {
        Graph g = Graph.builder("bad").input(floatsOfAnyShape("a")).input(floatsOfAnyShape("b")).output(floatsOfAnyShape("y"))
                .node(node("MatMul", in("a", "b"), "y")).build();
        try (Session s = Session.open(model(g), options())) {
            KilnException e = assertThrows(KilnException.class,
                    () -> s.run(Map.of("a", Tensor.of(new float[6], 2, 3), "b", Tensor.of(new float[8], 4, 2))));
            assertTrue(e.getMessage().startsWith("node 'matmul_y' (MatMul): "), e.getMessage());
        }
    }

    @Test
    void nonFiniteValuesAreRefusedWhenAskedFor() {
        Graph g = Graph.builder("scale").input(floats("x", 1, 1)).output(floats("y", 1, 1)).initializer("k", Tensor.of(new float[] {10}, 1, 1))
                .node(node("MatMul", in("x", "k"), "y")).build();
        SessionOptions checked = options().toBuilder().checkNonFinite(true).build();
        try (Session s = Session.open(model(g), checked)) {
            InvalidInputException in = assertThrows(InvalidInputException.class, () -> s.run(Map.of("x", Tensor.of(new float[] {Float.NaN}, 1, 1))));
            assertTrue(in.getMessage().startsWith("input 'x': NaN at index [0,0] (element 0)"), in.getMessage());
            ExecutionException out = assertThrows(ExecutionException.class, () -> s.run(Map.of("x", Tensor.of(new float[] {3e38f}, 1, 1))));
            assertTrue(out.getMessage().startsWith("output 'y' (from node 'matmul_y' (MatMul)): +Inf at index [0,0] (element 0)"), out.getMessage());
        }
        Graph wide = Graph.builder("rows").input(floats("x", 2, 3)).output(floats("y", 2, 3)).node(node("Neg", in("x"), "y")).build();
        try (Session s = Session.open(model(wide), checked)) {
            float[] x = {1, 2, 3, 4, Float.NEGATIVE_INFINITY, Float.NaN};
            InvalidInputException in = assertThrows(InvalidInputException.class, () -> s.run(Map.of("x", Tensor.of(x, 2, 3))));
            assertEquals("input 'x': -Inf at index [1,1] (element 4); the session refuses non-finite values (checkNonFinite)", in.getMessage());
        }
        try (Session s = Session.open(model(g), options())) {
            assertTrue(Float.isInfinite(((Tensor) s.run(Map.of("x", Tensor.of(new float[] {3e38f}, 1, 1))).get("y")).floatData()[0]),
                    "without the option the value passes");
        }
    }
}
