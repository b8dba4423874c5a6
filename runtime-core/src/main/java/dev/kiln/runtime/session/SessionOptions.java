package dev.kiln.runtime.session;

import dev.kiln.api.format.ModelLoadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Session} is opened: threads, which backends in which order, checks, model-load limits, and
 * the limits of each run (deadline, memory budget).
 * Immutable and thread-safe; build with {@link #builder()}.
 */
public final class SessionOptions {
    private final int threads;
    private final List<String> backends;
    private final boolean fallbackToCpu;
    private final boolean checkNonFinite;
    private final boolean optimize;
    private final ModelLoadOptions modelLoadOptions;
    private final Map<String, String> backendOptions;
    private final Duration runTimeout;
    private final long maxRunBytes;

    private SessionOptions(Builder b) {
        this.runTimeout = b.runTimeout;
        this.maxRunBytes = b.maxRunBytes;
        this.threads = b.threads;
        this.backends = List.copyOf(b.backends);
        this.fallbackToCpu = b.fallbackToCpu;
        this.checkNonFinite = b.checkNonFinite;
        this.optimize = b.optimize;
        this.modelLoadOptions = b.modelLoadOptions;
        this.backendOptions = Map.copyOf(b.backendOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every default: all available backends by priority with the CPU last, one thread per processor. */
    public static SessionOptions defaults() {
        return builder().build();
    }

    /** Intra-op threads each backend may use (at least 1). */
    public int threads() {
        return threads;
    }

    /** Backend ids in preference order; empty means every available backend by priority, the CPU last. */
    public List<String> backends() {
        return backends;
    }

    /** Whether the CPU backend is appended when {@link #backends()} names others only. */
    public boolean fallbackToCpu() {
        return fallbackToCpu;
    }

    /** Whether runs refuse NaN or infinite values in floating-point inputs and outputs. */
    public boolean checkNonFinite() {
        return checkNonFinite;
    }

    /** Whether the session fuses common op patterns before compiling (default true); see {@code GraphOptimizer}. */
    public boolean optimize() {
        return optimize;
    }

    /** Limits applied when the session reads the model itself. */
    public ModelLoadOptions modelLoadOptions() {
        return modelLoadOptions;
    }

    /** Backend-specific settings passed to every backend the session creates (e.g. {@code device=1}). */
    public Map<String, String> backendOptions() {
        return backendOptions;
    }

    /** The time each run may take, or null (the default) for no deadline; a {@link RunOptions} may set its own. */
    public Duration runTimeout() {
        return runTimeout;
    }

    /**
     * Bytes of tensors one run may hold alive at once (intermediate values and outputs it allocates, not
     * inputs or weights): an allocation past it throws {@link dev.kiln.api.MemoryBudgetException} before it is
     * made. Default {@link #defaultMaxRunBytes()}, half of the Java heap's maximum.
     */
    public long maxRunBytes() {
        return maxRunBytes;
    }

    /** Half of {@link Runtime#maxMemory()}: room for the run while the weights and the rest of the application keep theirs. */
    public static long defaultMaxRunBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        return heap == Long.MAX_VALUE ? Long.MAX_VALUE : heap / 2;
    }

    public Builder toBuilder() {
        Builder b = new Builder().threads(threads).backends(backends).fallbackToCpu(fallbackToCpu).checkNonFinite(checkNonFinite).optimize(optimize)
                .modelLoadOptions(modelLoadOptions).runTimeout(runTimeout).maxRunBytes(maxRunBytes);
        backendOptions.forEach(b::backendOption);
        return b;
    }

    @Override
    public String toString() {
        return "SessionOptions(threads=" + threads + ", backends=" + (backends.isEmpty() ? "all available" : backends)
                + (fallbackToCpu ? "" : ", no CPU fallback") + (checkNonFinite ? ", checkNonFinite" : "") + (optimize ? "" : ", no graph optimization")
                + (runTimeout == null ? "" : ", runTimeout=" + runTimeout) + ", maxRunBytes=" + maxRunBytes + ")";
    }

    /** Collects options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private final List<String> backends = new ArrayList<>();
        private boolean fallbackToCpu = true;
        private boolean checkNonFinite;
        private boolean optimize = true;
        private ModelLoadOptions modelLoadOptions = ModelLoadOptions.defaults();
        private final Map<String, String> backendOptions = new LinkedHashMap<>();
        private Duration runTimeout;
        private long maxRunBytes = defaultMaxRunBytes();

        private Builder() {
        }

        /** The time each run may take, positive, or null (the default) for none. */
        public Builder runTimeout(Duration v) {
            this.runTimeout = v;
            return this;
        }

        /** Bytes of tensors one run may hold alive at once, positive; {@link Long#MAX_VALUE} for no budget. */
        public Builder maxRunBytes(long v) {
            this.maxRunBytes = v;
            return this;
        }

        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Replaces the backend preference list; ids as {@link dev.kiln.api.spi.BackendProvider#id()} gives them. */
        public Builder backends(List<String> ids) {
            backends.clear();
            backends.addAll(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        public Builder backends(String... ids) {
            return backends(List.of(ids));
        }

        /** Whether to append the CPU backend to an explicit backend list that lacks it (default true). */
        public Builder fallbackToCpu(boolean v) {
            this.fallbackToCpu = v;
            return this;
        }

        /** Refuse NaN and infinities in floating-point inputs and outputs (default false: the check costs a pass over the data). */
        public Builder checkNonFinite(boolean v) {
            this.checkNonFinite = v;
            return this;
        }

        /** Fuse common op patterns before compiling (default true); false runs the graph node for node as loaded. */
        public Builder optimize(boolean v) {
            this.optimize = v;
            return this;
        }

        public Builder modelLoadOptions(ModelLoadOptions v) {
            this.modelLoadOptions = Objects.requireNonNull(v, "modelLoadOptions");
            return this;
        }

        public Builder backendOption(String key, String value) {
            backendOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public SessionOptions build() {
            if (runTimeout != null && (runTimeout.isNegative() || runTimeout.isZero())) {
                throw new IllegalArgumentException("runTimeout must be positive, got " + runTimeout);
            }
            if (maxRunBytes <= 0) {
                throw new IllegalArgumentException("maxRunBytes must be positive, got " + maxRunBytes);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            for (String id : backends) {
                if (id == null || id.isBlank()) {
                    throw new IllegalArgumentException("backend ids must not be blank, got " + backends);
                }
                if (!seen.add(id)) {
                    throw new IllegalArgumentException("backend '" + id + "' is listed twice in " + backends);
                }
            }
            return new SessionOptions(this);
        }
    }
}
