package dev.kiln.runtime.exec;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.testing.TinyHostProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness and release: a recording allocator that NaN-fills what it gets back shows early or wrong releases. */
class ExecutorMemoryTest {
    private final TinyHostProvider tiny = new TinyHostProvider();
    private final SessionFactory factory = new SessionFactory(BackendRegistry.of(List.of(tiny)));

    private Session open(Graph g) {
        GraphVerifier.verify(g);
        return factory.open(model(g), SessionOptions.builder().threads(1).build());
    }

    private static Tensor x() {
        return Tensor.of(new float[] {-1, 2, -3}, 3);
    }

    @Test
    void intermediatesAreReleasedAfterTheirLastUseAndOutputsAndInputsNever() {
        Graph g = Graph.builder("chain").input(floats("x", 3)).output(floats("y", 3))
                .node(node("Neg", in("x"), "a")).node(node("Relu", in("a"), "b")).node(node("Neg", in("b"), "y")).build();
        try (Session s = open(g)) {
            Tensor input = x();
            Tensor y = (Tensor) s.run(Map.of("x", input)).get("y");
            assertArrayEquals(new float[] {-1, -0f, -3}, y.floatData());
            assertEquals(3, tiny.allocations());
            assertEquals(2, tiny.releases(), "a and b go back; y is the caller's");
            assertFalse(tiny.wasReleased(y.data()));
            assertArrayEquals(new float[] {-1, 2, -3}, input.floatData(), "the input is untouched");
        }
    }

    @Test
    void anAliasKeepsTheArrayAliveAfterTheOriginalDies() {
        // a dies after Identity, but b shares its array and is read by the last node
        Graph g = Graph.builder("alias").input(floats("x", 3)).output(floats("y", 3))
                .node(node("Neg", in("x"), "a")).node(node("Identity", in("a"), "b")).node(node("Relu", in("x"), "c"))
                .node(node("Add", in("b", "c"), "y")).build();
        try (Session s = open(g)) {
            Tensor y = (Tensor) s.run(Map.of("x", x())).get("y");
            assertArrayEquals(new float[] {1, 0, 3}, y.floatData());
            assertEquals(3, tiny.allocations());
            assertEquals(2, tiny.releases(), "a/b (one array) and c");
        }
    }

    @Test
    void aReshapeViewSharingTheArrayCountsAsAHolder() {
        Graph g = Graph.builder("view").input(floats("x", 3)).output(floats("y", 3))
                .node(node("Neg", in("x"), "a")).node(node("View", in("a"), "b")).node(node("Double", in("x"), "c"))
                .node(node("Add", in("b", "c"), "y")).build();
        try (Session s = open(g)) {
            Tensor y = (Tensor) s.run(Map.of("x", x())).get("y");
            assertArrayEquals(new float[] {-1, 2, -3}, y.floatData());
            assertEquals(tiny.allocations() - 1, tiny.releases(), "everything but y, including Double's temporary");
        }
    }

    @Test
    void anOutputAliasingAnIntermediateIsNeverReleased() {
        Graph g = Graph.builder("out_alias").input(floats("x", 3)).output(floats("y", 3)).output(floats("z", 3))
                .node(node("Neg", in("x"), "a")).node(node("Identity", in("a"), "y")).node(node("Relu", in("a"), "z")).build();
        try (Session s = open(g)) {
            Map<String, RuntimeValue> out = s.run(Map.of("x", x()));
            assertArrayEquals(new float[] {1, -2, 3}, ((Tensor) out.get("y")).floatData());
            assertArrayEquals(new float[] {1, 0, 3}, ((Tensor) out.get("z")).floatData());
            assertEquals(0, tiny.releases(), "a is the array of output y");
        }
    }

    @Test
    void inputsAndInitializersPassedThroughAreReturnedAsIsAndNotReleased() {
        Tensor w = Tensor.of(new float[] {5, 6, 7}, 3);
        Graph g = Graph.builder("pass").input(floats("x", 3)).output(floats("y", 3)).output(floats("z", 3)).initializer("w", w)
                .node(node("Identity", in("x"), "y")).node(node("Identity", in("w"), "z")).build();
        try (Session s = open(g)) {
            Tensor input = x();
            Map<String, RuntimeValue> out = s.run(Map.of("x", input));
            assertSame(input, out.get("y"));
            assertSame(w, out.get("z"));
            assertEquals(0, tiny.releases());
        }
    }

    @Test
    void askingForSomeOutputsRunsOnlyWhatTheyNeed() {
        Graph g = Graph.builder("prune").input(floats("x", 3)).output(floats("y", 3)).output(floats("z", 3))
                .node(node("Neg", in("x"), "y")).node(node("Relu", in("x"), "a")).node(node("Neg", in("a"), "z")).build();
        try (Session s = open(g)) {
            Map<String, RuntimeValue> out = s.run(Map.of("x", x()), List.of("y"));
            assertEquals(List.of("y"), List.copyOf(out.keySet()));
            assertEquals(1, tiny.allocations(), "Relu and the second Neg are skipped");
            Map<String, RuntimeValue> both = s.run(Map.of("x", x()), List.of("z", "y"));
            assertEquals(List.of("y", "z"), List.copyOf(both.keySet()), "graph order, not request order");
        }
    }

    @Test
    void steadyStateRunsReleaseEverythingButTheOutputs() {
        Graph g = Graph.builder("steady").input(floats("x", 3)).output(floats("y", 3))
                .node(node("Neg", in("x"), "a")).node(node("Double", in("a"), "b")).node(node("Add", in("a", "b"), "y")).build();
        try (Session s = open(g)) {
            for (int i = 0; i < 5; i++) {
                s.run(Map.of("x", x()));
            }
            assertEquals(4 * 5, tiny.allocations());
            assertEquals(3 * 5, tiny.releases());
        }
    }
}
