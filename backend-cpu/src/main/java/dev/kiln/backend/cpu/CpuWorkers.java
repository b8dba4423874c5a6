package dev.kiln.backend.cpu;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link CpuExecution}: {@code threads - 1} daemon threads that, together with the thread
 * that calls {@link #run}, claim the chunks of one {@link Job} at a time from an atomic counter. So a split never has
 * more runnable threads than the backend's thread count, and the caller never sleeps while chunks are unclaimed.
 *
 * <p>After its last chunk a worker spins ({@link Thread#onSpinWait}) for {@code spinNanos} before it parks, so that
 * the next kernel of the same run, usually microseconds later, finds it awake instead of paying a wake-up (tens of
 * microseconds); between runs every worker is parked. A worker parked for {@code keepAliveNanos} ends (so that a
 * pool nobody closed does not keep its threads for ever) and is replaced by the next job it is wanted for.
 * {@link #close} ends the threads. Thread-safe; one job is
 * posted at a time, and a call that finds another job posted (another thread's run, or a split inside a chunk)
 * runs its chunks alone.
 */
final class CpuWorkers implements AutoCloseable {
    private final long spinNanos;
    private final long keepAliveNanos;
    /** Replaced only by the thread that holds {@link #posted}, so one at a time. */
    private final Worker[] workers;
    private final AtomicReference<Job> posted = new AtomicReference<>();
    private volatile boolean closed;

    CpuWorkers(int count, long spinNanos, long keepAliveNanos) {
        this.spinNanos = spinNanos;
        this.keepAliveNanos = keepAliveNanos;
        this.workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /**
     * Runs every chunk of {@code job}, with the workers when none is busy with another job, and returns when all
     * are done; rethrows the first chunk's failure (the same instance) after the others finished or were skipped.
     */
    void run(Job job) {
        if (closed || !posted.compareAndSet(null, job)) {
            job.runAll();
        } else {
            int wanted = job.chunks - 1;
            for (int i = 0; i < workers.length && i < wanted; i++) {
                if (workers[i].retired) {
                    workers[i] = new Worker(i);
                    workers[i].start();
                } else {
                    workers[i].wake();
                }
            }
            job.runAll();
            posted.compareAndSet(job, null);
            job.awaitStarted(spinNanos);
        }
        job.rethrow();
    }

    /** True while some worker is awake (running chunks or spinning), so that a split's hand-off costs little. */
    boolean awake() {
        for (Worker w : workers) {
            if (!w.parked) {
                return true;
            }
        }
        return false;
    }

    /** Unparks the parked workers, which then spin for the next job. */
    void wakeAll() {
        if (!closed) {
            for (Worker w : workers) {
                w.wake();
            }
        }
    }

    /** The worker threads (for tests). */
    List<Thread> threads() {
        return List.of(workers.clone());
    }

    /** Stops the workers and waits briefly for them to end; chunks they have started finish first. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        for (Worker w : workers) {
            if (w != Thread.currentThread()) {
                try {
                    w.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Chunks {@code [0, chunks)} of one split; each runs exactly once, on whichever thread claims it. */
    static final class Job {
        private final int chunks;
        private final ChunkBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Thread waiter;

        Job(int chunks, ChunkBody body) {
            this.chunks = chunks;
            this.body = body;
            this.remaining = new AtomicInteger(chunks);
        }

        /** Claims and runs one chunk; false when none was left to claim. */
        boolean runOne() {
            int c = next.getAndIncrement();
            if (c >= chunks) {
                return false;
            }
            try {
                if (failure.get() == null) {
                    body.run(c);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                if (remaining.decrementAndGet() == 0) {
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
            return true;
        }

        void runAll() {
            while (runOne()) {
                // claim until none is left
            }
        }

        boolean claimable() {
            return next.get() < chunks;
        }

        /** Waits for chunks other threads claimed: spinning up to {@code spinNanos}, then parked; keeps the interrupt flag. */
        void awaitStarted(long spinNanos) {
            if (remaining.get() == 0) {
                return;
            }
            long start = System.nanoTime();
            while (System.nanoTime() - start < spinNanos) {
                if (remaining.get() == 0) {
                    return;
                }
                Thread.onSpinWait();
            }
            waiter = Thread.currentThread();
            boolean interrupted = false;
            while (remaining.get() != 0) {
                LockSupport.park(this);
                // the chunks still write their outputs: an interrupt cannot end the wait, only be passed on
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("a parallel chunk failed: " + t, t);
            }
        }
    }

    /** One chunk of a job, by index. */
    @FunctionalInterface
    interface ChunkBody {
        void run(int chunk);
    }

    private final class Worker extends Thread {
        /** True while parked or about to park: the poster of a job must unpark it. */
        private volatile boolean parked;
        /** Set when the thread ends after {@link #keepAliveNanos} idle; the next poster replaces it. */
        private volatile boolean retired;

        Worker(int index) {
            super("kiln-cpu-" + index);
            setDaemon(true);
        }

        void wake() {
            if (parked) {
                parked = false;
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Job job = posted.get();
                if (job != null && job.runOne()) {
                    job.runAll();
                    idleSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - idleSince < spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                // re-read after announcing the park: a job posted before this is seen here, one posted after
                // it sees parked and unparks this thread
                job = posted.get();
                if (!closed && (job == null || !job.claimable())) {
                    long parkedAt = System.nanoTime();
                    LockSupport.parkNanos(this, keepAliveNanos);
                    if (System.nanoTime() - parkedAt >= keepAliveNanos && posted.get() == null) {
                        // a job posted from here on is run by its caller, which replaces this thread next time
                        retired = true;
                        return;
                    }
                }
                parked = false;
                Thread.interrupted();
                idleSince = System.nanoTime();
            }
        }
    }
}
