package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.MemoryBudgetException;
import dev.kiln.api.RunCancelledException;
import dev.kiln.api.RunTimeoutException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The limits of a run on the CPU backend: the deadline (session-wide and per run), cancellation from
 * another thread, the memory budget, and the four kinds of model that used to hang the fuzzer, rebuilt by
 * hand. After each refusal the same session must still run a normal input.
 */
class RunLimitsTest {
    private static final long HUGE_TRIPS = 1L << 62;

    /** Loop(M, s0): s = s + x per iteration; with M = 2^62 it would never end. */
    private static Graph sumLoop() {
        Graph body = Graph.builder("body").input(tensor("i", DType.INT64)).input(tensor("cond_in", DType.BOOL)).input(floats("s_in", 3))
                .output(tensor("cond_out", DType.BOOL)).output(floats("s_out", 3))
                .node(node("Identity", in("cond_in"), "cond_out")).node(node("Add", in("s_in", "x"), "s_out")).build();
        Node loop = Node.builder("Loop").name("endless").inputs("M", "", "s0").output("s").attr("body", body).build();
        return Graph.builder("loop").input(tensor("M", DType.INT64)).input(floats("s0", 3)).input(floats("x", 3)).output(floats("s", 3))
                .node(loop).build();
    }

    private static Map<String, RuntimeValue> trips(long m) {
        return Map.of("M", Tensor.scalar(m), "s0", Tensor.of(new float[3], 3), "x", Tensor.of(new float[] {1, 2, 3}, 3));
    }

    private static void assertRunsNormally(Session s) {
        assertArrayEquals(new float[] {3, 6, 9}, ((Tensor) s.run(trips(3)).get("s")).floatData(), "the session still runs after the refusal");
    }

    @Test
    void aLoopWithAHugeTripCountStopsAtTheSessionDeadline() {
        Duration deadline = Duration.ofMillis(800);
        try (Session s = Session.open(model(sumLoop()), SessionOptions.builder().threads(1).runTimeout(deadline).build())) {
            long start = System.nanoTime();
            RunTimeoutException e = assertThrows(RunTimeoutException.class, () -> s.run(trips(HUGE_TRIPS)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 2 * deadline.toMillis(), "stopped after " + tookMs + " ms");
            assertEquals(deadline, e.timeout());
            assertTrue(e.getMessage().contains("deadline of 0.800 s"), e.getMessage());
            assertTrue(e.getMessage().contains("control-flow iterations"), e.getMessage());
            // the deadline is checked before every step, so it names whichever of the body's two nodes was next
            assertTrue(e.nodeName().contains("endless") || e.nodeName().contains("s_out") || e.nodeName().contains("cond_out"),
                    "names the Loop or one of its body's nodes: " + e.nodeName());
            assertRunsNormally(s);
        }
    }

    @Test
    void aPerRunTimeoutOverridesTheSessionsNone() {
        try (Session s = Session.open(model(sumLoop()), SessionOptions.builder().threads(1).build())) {
            // the same 2x margin as the session-wide test; a 300 ms deadline left JIT warm-up inside the margin and flaked in CI
            RunOptions quick = RunOptions.builder().timeout(Duration.ofMillis(1000)).build();
            long start = System.nanoTime();
            assertThrows(RunTimeoutException.class, () -> s.run(trips(HUGE_TRIPS), quick));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 2000, "stopped after " + tookMs + " ms");
            assertArrayEquals(new float[] {3, 6, 9}, ((Tensor) s.run(trips(3), quick).get("s")).floatData());
        }
    }

    @Test
    void anotherThreadCancelsARun() throws Exception {
        try (Session s = Session.open(model(sumLoop()), SessionOptions.builder().threads(1).build())) {
            RunCancellation cancel = new RunCancellation();
            CompletableFuture<Map<String, RuntimeValue>> running = CompletableFuture.supplyAsync(
                    () -> s.run(trips(HUGE_TRIPS), RunOptions.builder().cancellation(cancel).build()));
            Thread.sleep(200);
            assertFalse(running.isDone(), "the endless loop is still running before the cancel");
            long start = System.nanoTime();
            cancel.cancel();
            ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "stopped soon after the cancel");
            assertEquals(RunCancelledException.class, e.getCause().getClass(), "cancelled, not timed out: " + e.getCause());
            assertTrue(e.getCause().getMessage().startsWith("run cancelled in node"), e.getCause().getMessage());
            assertRunsNormally(s);
            // a raised signal stays raised: a run started with it stops before its first node
            assertThrows(RunCancelledException.class, () -> s.run(trips(3), RunOptions.builder().cancellation(cancel).build()));
        }
    }

    /** ConstantOfShape(shape): a float tensor of the given shape, so the input decides the allocation. */
    private static Graph constantOfShape() {
        return Graph.builder("alloc").input(tensor("shape", DType.INT64, 1)).output(floats("y", (Object) null))
                .node(Node.builder("ConstantOfShape").name("fill").input("shape").output("y").build()).build();
    }

    @Test
    void anAllocationPastTheBudgetFailsFastNamingNodeShapeAndBudget() {
        SessionOptions small = SessionOptions.builder().threads(1).maxRunBytes(1 << 20).build();
        try (Session s = Session.open(model(constantOfShape()), small)) {
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> s.run(Map.of("shape", Tensor.of(new long[] {1 << 20}, 1))));
            assertEquals(4L << 20, e.requestedBytes());
            assertEquals(1L << 20, e.budgetBytes());
            assertTrue(e.getMessage().contains("fill") && e.getMessage().contains("float32[1048576]") && e.getMessage().contains("1.0 MiB"),
                    e.getMessage());
            // under the budget, and again: a refused run leaves nothing charged behind
            for (int i = 0; i < 3; i++) {
                assertEquals(1 << 16, ((Tensor) s.run(Map.of("shape", Tensor.of(new long[] {1 << 16}, 1))).get("y")).elementCount());
            }
            RunOptions larger = RunOptions.builder().maxRunBytes(8L << 20).build();
            assertEquals(1 << 20, ((Tensor) s.run(Map.of("shape", Tensor.of(new long[] {1 << 20}, 1)), larger).get("y")).elementCount());
        }
    }

    @Test
    void theDefaultBudgetIsHalfTheHeapAndANormalModelRunsUnderIt() {
        assertEquals(Runtime.getRuntime().maxMemory() / 2, SessionOptions.defaults().maxRunBytes());
        try (Session s = Session.open(model(constantOfShape()), SessionOptions.builder().threads(1).build())) {
            assertEquals(1 << 20, ((Tensor) s.run(Map.of("shape", Tensor.of(new long[] {1 << 20}, 1))).get("y")).elementCount());
        }
    }

    @Test
    void optionsRefuseNonPositiveLimits() {
        assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().runTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().maxRunBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> RunOptions.builder().timeout(Duration.ofMillis(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> RunOptions.builder().maxRunBytes(-1).build());
    }
}
