package dev.kiln.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The thread pool CPU kernels split work over. One per backend, sized by
 * {@link dev.kiln.api.spi.BackendContext#threads()}. Thread-safe.
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
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int c = 0; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void compute() {
                    body.run(start, end);
                }
            };
        }
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) {
            RecursiveAction.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
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
