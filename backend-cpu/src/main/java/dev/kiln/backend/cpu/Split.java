package dev.kiln.backend.cpu;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link CpuExecution#parallelFor} call: {@code [0, n)} cut into chunks that the caller and helper
 * tasks on the pool claim one at a time, so nobody waits for a thread that has not started yet. The caller
 * waits only for chunks other threads have already claimed, which are running, so nested splits cannot
 * deadlock. The first failure of any chunk is rethrown to the caller.
 */
final class Split {
    /** Spins before blocking while the last claimed chunks finish: they are usually about to. */
    private static final int SPINS = 1 << 8;

    private final int chunks;
    private final int n;
    private final CpuExecution.RangeBody body;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Split(int chunks, int n, CpuExecution.RangeBody body) {
        this.chunks = chunks;
        this.n = n;
        this.body = body;
    }

    void run(Executor pool, int helpers) {
        for (int i = 0; i < helpers; i++) {
            pool.execute(this::work);
        }
        work();
        for (int spin = 0; done.get() < chunks && spin < SPINS; spin++) {
            Thread.onSpinWait();
        }
        if (done.get() < chunks) {
            synchronized (this) {
                boolean interrupted = false;
                while (done.get() < chunks) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void work() {
        for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
            try {
                if (failure.get() == null) {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                if (done.incrementAndGet() == chunks) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        }
    }
}
