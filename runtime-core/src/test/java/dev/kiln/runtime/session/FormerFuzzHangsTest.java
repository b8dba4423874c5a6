package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.MemoryBudgetException;
import dev.kiln.api.RunTimeoutException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Small hand-built versions of the models that made the full fuzz run hang (window ops of an extreme
 * size, AveragePool with pads of 5*10^7; the Loop with an extreme trip count is in {@link RunLimitsTest}):
 * each now ends quickly, with its result or a typed refusal, and the session stays usable.
 */
class FormerFuzzHangsTest {
    private static Graph window(String op) {
        return Graph.builder("window").input(tensor("size", DType.INT64)).output(floats("w", (Object) null))
                .node(Node.builder(op).name("win").input("size").output("w").attr("periodic", 0L).build()).build();
    }

    private static Map<String, Tensor> size(long n) {
        return Map.of("size", Tensor.scalar(n));
    }

    @Test
    void aLargeWindowIsComputedQuicklyAndMatchesTheFormula() {
        int n = 4_000_001;
        try (Session s = Session.open(model(window("HannWindow")), SessionOptions.builder().threads(1).build())) {
            long start = System.nanoTime();
            float[] w = ((Tensor) s.run(size(n)).get("w")).floatData();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a 4M-point window takes well under a second alone");
            assertEquals(n, w.length);
            // symmetric Hann: 0.5 - 0.5 cos(2 pi i / (N - 1))
            for (int i : new int[] {0, 1, 12345, n / 4, n / 2, n - 2, n - 1}) {
                assertEquals(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)), w[i], 1e-6, "w[" + i + "]");
            }
        }
    }

    @Test
    void aWindowBeyondTheBudgetIsRefusedBeforeAnyWork() {
        try (Session s = Session.open(model(window("HammingWindow")), SessionOptions.builder().threads(1).maxRunBytes(256L << 20).build())) {
            long start = System.nanoTime();
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> s.run(size(1L << 28)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
            assertEquals(1L << 30, e.requestedBytes());
            assertTrue(e.getMessage().contains("HammingWindow") && e.getMessage().contains("float32[268435456]"), e.getMessage());
            assertEquals(9, ((Tensor) s.run(size(9)).get("w")).elementCount());
        }
    }

    @Test
    void aLongWindowKernelStopsInsideAtTheDeadline() {
        // one node only: the executor's check before it passes, so the stop must come from inside the kernel
        try (Session s = Session.open(model(window("BlackmanWindow")), SessionOptions.builder().threads(1).build())) {
            RunOptions quick = RunOptions.builder().timeout(Duration.ofMillis(5)).build();
            RunTimeoutException e = assertThrows(RunTimeoutException.class, () -> s.run(size(60_000_000), quick));
            assertTrue(e.nodeName().contains("win"), e.getMessage());
            assertTrue(e.getMessage().contains("0 steps done"), e.getMessage());
        }
    }

    @Test
    void averagePoolWithHugePadsFailsFastAgainstTheDefaultBudget() {
        Node pool = Node.builder("AveragePool").name("pool").input("x").output("y").attr("kernel_shape", 3L, 3L)
                .attr("pads", 50_000_000L, 2L, 2L, 2L).build();
        Graph g = Graph.builder("pool").input(floats("x", 1, 3, 28, 28)).output(floats("y", null, null, null, null)).node(pool).build();
        try (Session s = Session.open(model(g), SessionOptions.builder().threads(1).build())) {
            long start = System.nanoTime();
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> s.run(Map.of("x", Tensor.zeros(DType.FLOAT, 1, 3, 28, 28))));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "refused before the heap fills");
            assertTrue(e.getMessage().contains("'pool' (AveragePool)") && e.getMessage().contains("float32[1,3,50000028,30]"), e.getMessage());
        }
    }
}
