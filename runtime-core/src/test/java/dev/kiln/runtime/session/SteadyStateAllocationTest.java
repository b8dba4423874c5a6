package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Once a session has run a shape, running it again allocates no tensor storage but the outputs it hands to the
 * caller: intermediates come back from the allocator's pool. So what one run allocates on the calling thread,
 * outputs aside, is a small bookkeeping amount that does not grow with the batch (on a garbage-collected heap,
 * per-run garbage is what makes the young generation, and with it the process, grow).
 */
class SteadyStateAllocationTest {
    private static final int FEATURES = 64;
    private static final int WINDOWS = 50;
    private static final int MAX_SECONDS = 20;
    private static final int RUNS = 20;
    // bookkeeping of one run of this 6-node graph (value table, output map)
    private static final long BOOKKEEPING_LIMIT = 48 * 1024;

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        return v;
    }

    /**
     * Y = Abs(Neg(Relu(X * S + B)) - X) with constant S and B: elementwise kernels only, which have no Vector API
     * path, so that what a run allocates does not depend on when C2 compiles the SIMD kernels.
     */
    private static Graph chain() {
        Random r = new Random(3);
        return Graph.builder("chain").input(floats("X", "batch", FEATURES))
                .initializer("S", Tensor.of(random(r, FEATURES), FEATURES))
                .initializer("B", Tensor.of(random(r, FEATURES), FEATURES))
                .node(node("Mul", in("X", "S"), "H0")).node(node("Add", in("H0", "B"), "H1"))
                .node(node("Relu", in("H1"), "H2")).node(node("Neg", in("H2"), "H3"))
                .node(node("Sub", in("H3", "X"), "H4")).node(node("Abs", in("H4"), "Y"))
                .output(floats("Y", "batch", FEATURES)).build();
    }

    /**
     * The least the calling thread allocated per run, less the output's storage, over windows of runs of
     * {@code batch} rows (the first windows also count what the JIT and the pool's first fills allocate).
     */
    private static long perRun(Session s, int batch) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, RuntimeValue> feeds = Map.of("X", Tensor.of(random(new Random(batch), batch * FEATURES), batch, FEATURES));
        long id = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        for (int w = 0; w < WINDOWS && (least >= BOOKKEEPING_LIMIT || w < 2) && System.nanoTime() < deadline; w++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < RUNS; i++) {
                s.run(feeds);
            }
            least = Math.min(least, (threads.getThreadAllocatedBytes(id) - before) / RUNS - 4L * batch * FEATURES);
        }
        return least;
    }

    @Test
    void aRepeatedRunAllocatesOnlyItsOutputAndBookkeeping() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).setThreadAllocatedMemoryEnabled(true);
        try (Session s = Session.open(model(chain()), SessionOptions.builder().threads(1).build())) {
            long small = perRun(s, 4);
            long large = perRun(s, 4096);
            // one intermediate of the large batch alone is 4096 x 64 x 4 bytes = 1 MB
            assertTrue(small < BOOKKEEPING_LIMIT, "batch 4: a run allocated " + small + " bytes beside its output");
            assertTrue(large < BOOKKEEPING_LIMIT, "batch 4096: a run allocated " + large + " bytes beside its output");
        }
    }
}
