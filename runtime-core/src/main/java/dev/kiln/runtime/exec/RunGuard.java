package dev.kiln.runtime.exec;

import dev.kiln.api.MemoryBudgetException;
import dev.kiln.api.RunCancelledException;
import dev.kiln.api.RunTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The limits of one run as it goes: checks the deadline and the cancellation signal (between steps, on
 * every control-flow iteration, and when kernels ask), counts progress for the message, and keeps the
 * running total of live bytes against the budget. Thread-safe: kernels may check from their own threads.
 */
final class RunGuard {
    private final long start = System.nanoTime();
    /** Nanoseconds the run may take; Long.MAX_VALUE without a deadline. */
    private final long allowed;
    private final Duration timeout;
    private final BooleanSupplier cancelled;
    private final long maxBytes;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong iterations = new AtomicLong();

    RunGuard(RunLimits limits) {
        this.timeout = limits.timeout();
        this.allowed = timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout);
        this.cancelled = limits.cancelled();
        this.maxBytes = limits.maxBytes();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether there is anything to check; when false {@link #check} never throws. */
    boolean active() {
        return timeout != null || cancelled != null;
    }

    /** Whether the run was cancelled or passed its deadline: a volatile read, and a clock read when there is a deadline. */
    boolean stopRequested() {
        return (cancelled != null && cancelled.getAsBoolean()) || (allowed != Long.MAX_VALUE && System.nanoTime() - start > allowed);
    }

    /** Throws when the run is cancelled or past its deadline. {@code where} names the node, or is null between nodes. */
    void check(String where) {
        if (stopRequested()) {
            throw stopped(where);
        }
    }

    /** The exception for a run that must stop, naming {@code where} (a node, or null) and the progress. */
    RunCancelledException stopped(String where) {
        if (cancelled != null && cancelled.getAsBoolean()) {
            return new RunCancelledException("run cancelled" + at(where) + " after " + elapsed() + "; " + progress(), where);
        }
        return new RunTimeoutException("run passed its deadline of " + format(timeout) + " (" + elapsed() + " elapsed)" + at(where)
                + "; " + progress(), timeout, where);
    }

    void stepDone() {
        steps.incrementAndGet();
    }

    void iterationDone() {
        iterations.incrementAndGet();
    }

    /**
     * Charges {@code bytes} before they are allocated; throws {@link MemoryBudgetException} naming
     * {@code what} (node, type and shape) when the run's live bytes would pass the budget.
     */
    void reserve(long bytes, String what) {
        if (maxBytes == Long.MAX_VALUE || bytes <= 0) {
            return;
        }
        long live = liveBytes.addAndGet(bytes);
        if (live > maxBytes || live < 0) {
            liveBytes.addAndGet(-bytes);
            throw new MemoryBudgetException(what + " needs " + mib(bytes) + " (" + bytes + " bytes), but the run already holds "
                    + mib(live - bytes) + " and its memory budget is " + mib(maxBytes)
                    + " (SessionOptions.maxRunBytes / RunOptions.maxRunBytes)", bytes, maxBytes);
        }
    }

    void release(long bytes) {
        if (maxBytes != Long.MAX_VALUE && bytes > 0) {
            liveBytes.addAndGet(-bytes);
        }
    }

    private static String at(String where) {
        return where == null ? "" : " in node " + where;
    }

    private String progress() {
        long it = iterations.get();
        return steps.get() + " steps done" + (it == 0 ? "" : ", " + it + " control-flow iterations");
    }

    private String elapsed() {
        return format(Duration.ofNanos(System.nanoTime() - start));
    }

    private static String format(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
