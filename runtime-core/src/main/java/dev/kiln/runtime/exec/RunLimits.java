package dev.kiln.runtime.exec;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What bounds one run: a time limit counted from the run's start, a cancellation signal another thread
 * may raise, and a budget for the bytes the run's live tensors may take. Immutable.
 *
 * @param timeout   the time the run may take, or null for no limit
 * @param cancelled answers true once the run should stop (read from the run's threads; must be cheap and
 *                  thread-safe), or null when the run cannot be cancelled
 * @param maxBytes  the most bytes of tensors this run allocates that may be alive at once
 *                  ({@link Long#MAX_VALUE}: no budget)
 */
public record RunLimits(Duration timeout, BooleanSupplier cancelled, long maxBytes) {
    /** No deadline, no cancellation, no budget. */
    public static final RunLimits NONE = new RunLimits(null, null, Long.MAX_VALUE);

    public RunLimits {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
    }
}
