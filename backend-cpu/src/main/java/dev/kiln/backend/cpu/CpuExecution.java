package dev.kiln.backend.cpu;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import java.util.function.IntConsumer;

/**
 * The thread pool CPU kernels split work over. One per backend, sized by
 * {@link dev.kiln.api.spi.BackendContext#threads()}: a split runs on its calling thread and {@code threads - 1}
 * worker threads ({@link CpuWorkers}), which spin briefly between splits and park when idle. Kernels compiled by
 * the backend are {@linkplain #guarded guarded}, so large {@link #parallelFor} calls check the run's cancellation
 * between chunks. Thread-safe; {@link #close} ends the worker threads.
 */
public final class CpuExecution implements AutoCloseable {
    /** Below this many elements of work, splitting costs more than it saves. */
    public static final int MIN_GRAIN = 1 << 14;
    /**
     * Work (items times cost) between two cancellation checks of a kernel run through {@link #guarded}: a
     * few milliseconds, so that a run's deadline stops even one enormous elementwise kernel soon.
     */
    static final long CHECK_GRAIN = 1L << 22;

    /**
     * System property: products (GEMMs, attention) with fewer floating-point operations stay on the calling
     * thread; from there up to {@link #MIN_COLD_PARALLEL_FLOPS} they are split only while a worker is awake (a
     * spinning worker takes a chunk within a microsecond). Default {@link #MIN_COLD_PARALLEL_FLOPS}: lower values
     * were faster alone but slower beside ONNX Runtime on the loaded test machine (docs/performance.md, "Thread
     * pool").
     */
    public static final String SPLIT_PROPERTY = "kiln.cpu.split.flops";
    /**
     * Products with at least this many floating-point operations are split even when the workers are parked:
     * large enough that a wake-up (tens of microseconds) costs less than the second thread saves.
     */
    public static final long MIN_COLD_PARALLEL_FLOPS = 20_000_000L;
    /** Fewest floating-point operations of a product that is split ({@link #SPLIT_PROPERTY}). */
    public static final long MIN_PARALLEL_FLOPS = Math.max(1, Long.getLong(SPLIT_PROPERTY, MIN_COLD_PARALLEL_FLOPS));
    /**
     * System property: a product declined for having fewer than {@link #MIN_PARALLEL_FLOPS} but at least
     * 1 / N of it still wakes the parked workers, for the next split (default 0: off). With 4, MiniLM 1 x 32's FFN
     * products gained from the second thread, but whole runs beside ONNX Runtime's spinning threads were slower
     * (docs/performance.md, "GEMM with constant weights").
     */
    public static final String PREWAKE_PROPERTY = "kiln.cpu.prewake.fraction";
    /** {@link #PREWAKE_PROPERTY}. */
    static final int PREWAKE_FRACTION = Math.max(0, Integer.getInteger(PREWAKE_PROPERTY, 0));
    /** Default of {@link #SPIN_PROPERTY}: bridges the short serial stretches between two splits of a run. */
    public static final long DEFAULT_SPIN_MICROS = 50;
    /**
     * System property with the microseconds an idle worker thread spins before it parks (0: park at once), used
     * when the backend option {@code spin_us} does not set it.
     */
    public static final String SPIN_PROPERTY = "kiln.cpu.spin.us";

    /** How long a worker stays parked before its thread ends (as a fork-join pool's do); a later split starts a new one. */
    private static final long KEEP_ALIVE_NANOS = 60_000_000_000L;

    /** The context of the kernel this thread is executing, for {@link KernelContext#checkCancelled()} between chunks. */
    private final ThreadLocal<KernelContext> current = new ThreadLocal<>();

    private final int threads;
    private final CpuWorkers workers;
    private final int prewakeFraction;

    /** A pool of {@code threads} (the caller and {@code threads - 1} workers), spinning as {@link #SPIN_PROPERTY} says. */
    public CpuExecution(int threads) {
        this(threads, defaultSpinMicros());
    }

    /**
     * A pool of {@code threads}: the calling thread of each split and {@code threads - 1} worker threads, which spin
     * {@code spinMicros} after their last chunk before they park (0: park at once).
     */
    public CpuExecution(int threads, long spinMicros) {
        this(threads, spinMicros, PREWAKE_FRACTION);
    }

    /** As {@link #CpuExecution(int, long)}, with {@link #PREWAKE_PROPERTY}'s fraction given (tests). */
    CpuExecution(int threads, long spinMicros, int prewakeFraction) {
        this.prewakeFraction = prewakeFraction;
        if (threads < 1 || spinMicros < 0) {
            throw new IllegalArgumentException("expected threads >= 1 and spinMicros >= 0, got " + threads + " and " + spinMicros);
        }
        this.threads = threads;
        this.workers = threads > 1 ? new CpuWorkers(threads - 1, spinMicros * 1000L, KEEP_ALIVE_NANOS) : null;
    }

    /** {@link #SPIN_PROPERTY}, or {@link #DEFAULT_SPIN_MICROS} when it is unset. */
    public static long defaultSpinMicros() {
        String s = System.getProperty(SPIN_PROPERTY);
        if (s == null || s.isBlank()) {
            return DEFAULT_SPIN_MICROS;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SPIN_PROPERTY + ": expected whole microseconds, got '" + s + "'", e);
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Whether a product of {@code flops} floating-point operations should be split over the threads (see
     * {@link #MIN_PARALLEL_FLOPS}). When it is declined only because the workers are parked, or for being smaller
     * than that but at least the {@link #PREWAKE_PROPERTY} fraction of it, parked workers are woken, so that the next
     * product of the run finds them spinning.
     */
    public boolean splits(long flops) {
        if (workers == null) {
            return false;
        }
        if (flops < MIN_PARALLEL_FLOPS) {
            if (prewakeFraction > 0 && flops >= MIN_PARALLEL_FLOPS / prewakeFraction) {
                // a worker takes about as long to wake here as a product of 20 MFLOP takes; woken now, it is
                // spinning when the larger product that usually follows splits (docs/performance.md, "GEMM with
                // constant weights")
                workers.wakeAll();
            }
            return false;
        }
        if (flops >= MIN_COLD_PARALLEL_FLOPS || workers.awake()) {
            return true;
        }
        workers.wakeAll();
        return false;
    }

    /**
     * Runs {@code body.accept(start, end)} over disjoint chunks covering {@code [0, n)}, in parallel when
     * {@code n * costPerItem} is large enough. The calling thread runs chunks too; returns when all chunks are
     * done, rethrowing the first chunk's exception (the same instance).
     */
    public void parallelFor(int n, long costPerItem, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long work = (long) n * Math.max(1, costPerItem);
        KernelContext ctx = current.get();
        if (workers == null || work < MIN_GRAIN || n == 1) {
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
        workers.run(new CpuWorkers.Job(chunks, c -> {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            if (ctx == null) {
                body.run(start, end);
                return;
            }
            // a worker thread takes the caller's context for the chunk, so that splits nested in it check it too
            KernelContext outer = current.get();
            if (outer != ctx) {
                current.set(ctx);
            }
            try {
                ctx.checkCancelled();
                body.run(start, end);
            } finally {
                if (outer == null) {
                    current.remove();
                } else if (outer != ctx) {
                    current.set(outer);
                }
            }
        }));
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

    /** The worker threads (for tests). */
    java.util.List<Thread> workerThreads() {
        return workers == null ? java.util.List.of() : workers.threads();
    }

    /** Ends the worker threads (waiting briefly for chunks they run); later splits run on the calling thread. */
    @Override
    public void close() {
        if (workers != null) {
            workers.close();
        }
    }

    /** A chunk of work over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }
}
