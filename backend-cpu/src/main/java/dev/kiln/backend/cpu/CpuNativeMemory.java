package dev.kiln.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;

/**
 * The native memory one CPU backend's kernels keep for the backend's life (weights prepacked at compile),
 * freed when the backend closes instead of whenever the collector gets to it. {@link CpuBackend} compiles
 * every kernel inside {@link #compiling}; code that allocates long-lived native memory passes it through
 * {@link #track}. Memory allocated outside a compile (per-thread scratch) is not tracked and stays with its
 * thread. Thread-safe; {@link #liveBytes()} counts across every backend in the JVM, for leak checks.
 */
public final class CpuNativeMemory implements AutoCloseable {
    private static final AtomicLong LIVE = new AtomicLong();
    private static final ThreadLocal<CpuNativeMemory> COMPILING = new ThreadLocal<>();

    private final List<Pointer> owned = new ArrayList<>();
    private boolean closed;

    /** Bytes of native memory held now by the kernels of CPU backends not yet closed, in this JVM. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /**
     * Hands {@code p} to the backend compiling on this thread, which frees it when it closes; outside a
     * compile it is left to the collector. Returns {@code p}. The caller must not use it after that close.
     */
    public static <P extends Pointer> P track(P p) {
        CpuNativeMemory owner = COMPILING.get();
        if (owner != null) {
            owner.adopt(p);
        }
        return p;
    }

    /** Runs {@code compile} with this backend as the owner of what it {@link #track}s. */
    <T> T compiling(Supplier<T> compile) {
        CpuNativeMemory previous = COMPILING.get();
        COMPILING.set(this);
        try {
            return compile.get();
        } finally {
            if (previous == null) {
                COMPILING.remove();
            } else {
                COMPILING.set(previous);
            }
        }
    }

    private synchronized void adopt(Pointer p) {
        if (closed) {
            throw new IllegalStateException("the CPU backend is closed; it cannot own new native memory");
        }
        owned.add(p);
        LIVE.addAndGet(bytes(p));
    }

    /** Frees everything tracked. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Pointer p : owned) {
            LIVE.addAndGet(-bytes(p));
            p.deallocate();
        }
        owned.clear();
    }

    private static long bytes(Pointer p) {
        return p.capacity() * p.sizeof();
    }
}
