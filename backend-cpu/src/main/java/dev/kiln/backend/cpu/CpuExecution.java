package dev.kiln.backend.cpu;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The thread pool CPU kernels split work over. One per backend, sized by
 * {@link dev.kiln.api.spi.BackendContext#threads()}. Kernels compiled by the backend are {@linkplain #guarded
 * guarded}, so large {@link #parallelFor} calls check the run's cancellation between chunks. Thread-safe.
 */
public final class CpuExecution implements AutoCloseable {
    /** Below this many elements of work, splitting costs more than it saves. */
    public static final int MIN_GRAIN = 1 << 14;
    /**
     * Work (items times cost) between two cancellation checks of a kernel run through {@link #guarded}: a
     * few milliseconds, so that a run's deadline stops even one enormous elementwise kernel soon.
     */
    static final long CHECK_GRAIN = 1L << 22;

    /** The context of the kernel this thread is executing, for {@link KernelContext#checkCancelled()} between chunks. */
    private final ThreadLocal<KernelContext> current = new ThreadLocal<>();

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
        KernelContext ctx = current.get();
        if (pool == null || work < MIN_GRAIN || n == 1) {
            if (ctx == null || work < 2 * CHECK_GRAIN) {
                body.run(0, n);
            } else {
                sliced(n, Math.max(1, costPerItem), body, ctx);
            }
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
                    if (ctx != null) {
                        ctx.checkCancelled();
                    }
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

    /** Runs {@code [0, n)} on this thread in slices of about {@link #CHECK_GRAIN} work, checking for cancellation before each. */
    private static void sliced(int n, long costPerItem, RangeBody body, KernelContext ctx) {
        int step = (int) Math.max(1, Math.min(n, CHECK_GRAIN / costPerItem));
        for (int s = 0; s < n; s += step) {
            ctx.checkCancelled();
            body.run(s, Math.min(n, s + step));
        }
    }

    /**
     * Wraps a kernel so that, while it executes, {@link #parallelFor} checks its context for cancellation
     * between chunks (the run's deadline, or another thread's cancel). The kernel itself is unchanged.
     */
    public Kernel guarded(Kernel kernel) {
        return ctx -> {
            KernelContext outer = current.get();
            current.set(ctx);
            try {
                kernel.execute(ctx);
            } finally {
                if (outer == null) {
                    current.remove();
                } else {
                    current.set(outer);
                }
            }
        };
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
