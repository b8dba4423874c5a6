package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The spinning worker pool behind {@link CpuExecution}: chunks, failures, nesting, interrupts, idling, close. */
class CpuWorkersTest {
    @Test
    void everyChunkRunsOnceAndTheWorkersShareThem() throws Exception {
        for (long spin : new long[] {0, 50}) {
            try (CpuExecution ex = new CpuExecution(3, spin)) {
                Set<Thread> runners = ConcurrentHashMap.newKeySet();
                for (int round = 0; round < 500; round++) {
                    int n = 1 + round % 37;
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    ex.parallelFor(n, CpuExecution.MIN_GRAIN, (s, e) -> {
                        runners.add(Thread.currentThread());
                        for (int i = s; i < e; i++) {
                            seen.incrementAndGet(i);
                        }
                        spinFor(20_000);
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen.get(i), "spin " + spin + ", n " + n + ", index " + i);
                    }
                }
                assertTrue(runners.contains(Thread.currentThread()), "the caller runs chunks itself");
                assertTrue(runners.size() > 1, "some chunks ran on worker threads: " + runners);
                assertTrue(runners.size() <= 3, "never more than the pool's 3 threads: " + runners);
            }
        }
    }

    @Test
    void aWorkersExceptionReachesTheCallerWithItsCause() {
        try (CpuExecution ex = new CpuExecution(2, 50)) {
            IllegalArgumentException cause = new IllegalArgumentException("root cause");
            for (int round = 0; round < 50; round++) {
                int failing = round % 8;
                IllegalStateException thrown = assertThrows(IllegalStateException.class,
                        () -> ex.parallelFor(8, CpuExecution.MIN_GRAIN, (s, e) -> {
                            if (s == failing) {
                                throw new IllegalStateException("chunk " + failing, cause);
                            }
                            spinFor(10_000);
                        }));
                assertEquals("chunk " + failing, thrown.getMessage());
                assertSame(cause, thrown.getCause());
            }
            Error error = assertThrows(AssertionError.class, () -> ex.parallelFor(4, CpuExecution.MIN_GRAIN, (s, e) -> {
                throw new AssertionError("an error");
            }));
            assertEquals("an error", error.getMessage());
        }
    }

    @Test
    void nestedSplitsFromWorkersFinish() throws Exception {
        try (CpuExecution ex = new CpuExecution(3, 20)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(32 * 32 * 4);
            ex.parallelFor(32, CpuExecution.MIN_GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) {
                    int a = i;
                    ex.parallelFor(32, CpuExecution.MIN_GRAIN, (s2, e2) -> {
                        for (int j = s2; j < e2; j++) {
                            int b = j;
                            ex.parallelFor(4, CpuExecution.MIN_GRAIN, (s3, e3) -> {
                                for (int k = s3; k < e3; k++) {
                                    seen.incrementAndGet((a * 32 + b) * 4 + k);
                                }
                            });
                        }
                    });
                }
            });
            for (int i = 0; i < seen.length(); i++) {
                assertEquals(1, seen.get(i), "index " + i);
            }
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirChunks() throws Exception {
        try (CpuExecution ex = new CpuExecution(2, 50)) {
            int callers = 4;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] threads = new Thread[callers];
            for (int t = 0; t < callers; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        for (int round = 0; round < 300; round++) {
                            AtomicIntegerArray seen = new AtomicIntegerArray(16);
                            ex.parallelFor(16, CpuExecution.MIN_GRAIN, (s, e) -> {
                                for (int i = s; i < e; i++) {
                                    seen.incrementAndGet(i);
                                }
                            });
                            for (int i = 0; i < 16; i++) {
                                assertEquals(1, seen.get(i));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join(60_000);
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForItsChunksAndKeepsTheFlag() throws Exception {
        try (CpuExecution ex = new CpuExecution(2, 0)) {
            boolean workerRan = false;
            for (int attempt = 0; attempt < 50 && !workerRan; attempt++) {
                CountDownLatch workerStarted = new CountDownLatch(1);
                AtomicIntegerArray done = new AtomicIntegerArray(2);
                Thread caller = Thread.currentThread();
                ex.parallelFor(2, CpuExecution.MIN_GRAIN, (s, e) -> {
                    if (Thread.currentThread() != caller) {
                        workerStarted.countDown();
                        spinFor(50_000_000);
                    } else if (await(workerStarted)) {
                        caller.interrupt();
                    }
                    done.set(s, 1);
                });
                workerRan = workerStarted.getCount() == 0;
                assertEquals(workerRan, Thread.interrupted(), "the interrupt is passed on, not swallowed");
                assertEquals(1, done.get(0));
                assertEquals(1, done.get(1), "returned only after the worker's chunk finished");
            }
            assertTrue(workerRan, "the worker took a chunk in one of 50 attempts");
        }
    }

    @Test
    void idleWorkersParkAndCloseEndsThem() throws Exception {
        CpuExecution ex = new CpuExecution(3, 100);
        ex.parallelFor(8, CpuExecution.MIN_GRAIN, (s, e) -> spinFor(100_000));
        assertEquals(2, ex.workerThreads().size());
        for (Thread t : ex.workerThreads()) {
            assertEquals(Thread.State.TIMED_WAITING, waitFor(t), "idle worker " + t.getName() + " parks");
        }
        ex.close();
        for (Thread t : ex.workerThreads()) {
            assertTrue(!t.isAlive(), t.getName() + " ended by close");
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(4);
        ex.parallelFor(4, CpuExecution.MIN_GRAIN, (s, e) -> seen.incrementAndGet(s));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, seen.get(i), "after close, splits run on the caller");
        }
    }

    @Test
    void productsSplitFromTheThresholdAndOnlyWithWorkers() {
        try (CpuExecution one = new CpuExecution(1); CpuExecution two = new CpuExecution(2, 100_000)) {
            assertTrue(!one.splits(Long.MAX_VALUE), "one thread never splits");
            assertTrue(!two.splits(CpuExecution.MIN_PARALLEL_FLOPS - 1));
            assertTrue(two.splits(Math.max(CpuExecution.MIN_PARALLEL_FLOPS, CpuExecution.MIN_COLD_PARALLEL_FLOPS)));
            // a worker that just ran a chunk is spinning (100 ms here): products from the lower threshold split
            two.parallelFor(8, CpuExecution.MIN_GRAIN, (s, e) -> spinFor(200_000));
            assertTrue(two.splits(CpuExecution.MIN_PARALLEL_FLOPS));
        }
    }

    @Test
    void aProductJustBelowTheThresholdStaysOnTheCallerButWakesTheWorkers() throws Exception {
        try (CpuExecution two = new CpuExecution(2, 200_000, 4)) {
            Thread worker = two.workerThreads().get(0);
            awaitState(worker, Thread.State.WAITING, Thread.State.TIMED_WAITING);
            long quarter = CpuExecution.MIN_PARALLEL_FLOPS / 4;
            assertTrue(!two.splits(quarter), "declined");
            awaitState(worker, Thread.State.RUNNABLE);
        }
    }

    /** Waits up to 5 s for {@code t} to be in one of {@code states}. */
    private static void awaitState(Thread t, Thread.State... states) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!List.of(states).contains(t.getState())) {
            assertTrue(System.nanoTime() < end, t.getName() + " is " + t.getState() + ", expected one of " + List.of(states));
            Thread.sleep(0, 100_000);
        }
    }

    @Test
    void workersIdleForTheKeepAliveEndAndAreReplacedWhenWanted() throws Exception {
        try (CpuWorkers pool = new CpuWorkers(2, 0, TimeUnit.MILLISECONDS.toNanos(50))) {
            List<Thread> first = pool.threads();
            for (Thread t : first) {
                t.join(5000);
                assertTrue(!t.isAlive(), t.getName() + " ended after the keep-alive");
            }
            Set<Thread> runners = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 200 && runners.size() < 2; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(6);
                pool.run(new CpuWorkers.Job(6, c -> {
                    runners.add(Thread.currentThread());
                    seen.incrementAndGet(c);
                    spinFor(200_000);
                }));
                for (int i = 0; i < 6; i++) {
                    assertEquals(1, seen.get(i));
                }
            }
            assertTrue(runners.stream().anyMatch(t -> t != Thread.currentThread() && !first.contains(t)),
                    "a new worker thread ran chunks: " + runners);
        }
    }

    /** The state a thread settles in within a second (a spinning thread stays RUNNABLE). */
    private static Thread.State waitFor(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (t.getState() == Thread.State.RUNNABLE && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return t.getState();
    }

    /** False when the worker did not take a chunk within a second (the caller claimed both). */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
