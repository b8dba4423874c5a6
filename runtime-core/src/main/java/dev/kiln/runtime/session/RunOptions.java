package dev.kiln.runtime.session;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Limits of one {@link Session#run(java.util.Map, java.util.Collection, RunOptions)} call; each one left
 * unset falls back to the session's ({@link SessionOptions#runTimeout()}, {@link SessionOptions#maxRunBytes()}).
 * Immutable and thread-safe; one instance may serve many runs (they then share its cancellation).
 */
public final class RunOptions {
    private static final RunOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final RunCancellation cancellation;
    private final long maxRunBytes;
    private final Set<String> donated;

    private RunOptions(Builder b) {
        this.timeout = b.timeout;
        this.cancellation = b.cancellation;
        this.maxRunBytes = b.maxRunBytes;
        this.donated = Set.copyOf(b.donated);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Nothing set: the session's limits apply. */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /** The time this run may take, or null to use the session's {@link SessionOptions#runTimeout()}. */
    public Duration timeout() {
        return timeout;
    }

    /** The signal that cancels this run, or null when it cannot be cancelled from outside. */
    public RunCancellation cancellation() {
        return cancellation;
    }

    /** The run's memory budget in bytes, or 0 to use the session's {@link SessionOptions#maxRunBytes()}. */
    public long maxRunBytes() {
        return maxRunBytes;
    }

    /** The names of the inputs the caller gives to the run (see {@link Builder#donate}); empty by default. */
    public Set<String> donated() {
        return donated;
    }

    @Override
    public String toString() {
        return "RunOptions(timeout=" + (timeout == null ? "session's" : timeout) + (cancellation == null ? "" : ", cancellable")
                + ", maxRunBytes=" + (maxRunBytes == 0 ? "session's" : maxRunBytes) + (donated.isEmpty() ? "" : ", donated=" + donated) + ")";
    }

    /** Collects options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private Duration timeout;
        private RunCancellation cancellation;
        private long maxRunBytes;
        private final Set<String> donated = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * Gives the named tensor inputs to the run, which may then write outputs into their storage in place
         * (an optimizer updating weights and moments without allocating new ones): the caller must not use a
         * donated tensor after the run except where it comes back as an output, since its elements are then
         * unspecified. The runtime writes one only where the node reading it last produces an output of the
         * same type and shape, and never when the same storage is also fed under a name not donated or
         * belongs to the model. Names that are not inputs are ignored. Donation adds to earlier calls.
         */
        public Builder donate(Collection<String> inputNames) {
            for (String n : Objects.requireNonNull(inputNames, "inputNames")) {
                donated.add(Objects.requireNonNull(n, "input name"));
            }
            return this;
        }

        /** The time the run may take from its start, positive; null (the default) uses the session's. */
        public Builder timeout(Duration v) {
            this.timeout = v;
            return this;
        }

        /** A signal another thread may raise to stop the run. */
        public Builder cancellation(RunCancellation v) {
            this.cancellation = Objects.requireNonNull(v, "cancellation");
            return this;
        }

        /** Bytes the run's live tensors may take at once, positive; 0 (the default) uses the session's. */
        public Builder maxRunBytes(long v) {
            this.maxRunBytes = v;
            return this;
        }

        public RunOptions build() {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (maxRunBytes < 0) {
                throw new IllegalArgumentException("maxRunBytes must be positive (or 0 for the session's), got " + maxRunBytes);
            }
            return new RunOptions(this);
        }
    }
}
