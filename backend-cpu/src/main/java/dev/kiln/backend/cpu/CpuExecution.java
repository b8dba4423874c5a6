package dev.kiln.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;

/**
 * The thread pool CPU kernels split work over. One per backend, sized by
 * {@link dev.kiln.api.spi.BackendContext#threads()}. Thread-safe.
 *
 * <p>The calling thread works on its own split too, claiming chunks alongside the pool's threads: a
 * small operator then costs no hand-off to a pool thread and back, and when the pool's threads are slow
 * to wake (a loaded machine) the caller simply does more of the chunks itself.
 */
public final class CpuExecution implements AutoCloseable {
    /** Below this many elements of work, splitting costs more than it saves. */
    public static final int MIN_GRAIN = 1 << 14;

    private final int threads;
    private final ForkJoinPool pool;

    public CpuExecution(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(start, end)} over disjoint chunks covering {@code [0, n)}, in parallel when
     * {@code n * costPerItem} is large enough. Returns when all chunks are done.
     */
    public void parallelFor(int n, long costPerItem, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long work = (long) n * Math.max(1, costPerItem);
        if (pool == null || work < MIN_GRAIN || n == 1) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(threads * 4L, work / MIN_GRAIN + 1));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        new Split(chunks, n, body).run(pool, Math.min(chunks, threads) - 1);
    }

    /** Runs {@code body} for each index in {@code [0, n)}, in parallel when worthwhile. */
    public void parallelForEach(int n, long costPerItem, IntConsumer body) {
        parallelFor(n, costPerItem, (s, e) -> {
            for (int i = s; i < e; i++) {
                body.accept(i);
            }
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** A chunk of work over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }
}
