package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.RunCancelledException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A guarded kernel's large {@link CpuExecution#parallelFor} calls ask its context for cancellation between chunks. */
class CpuExecutionCancellationTest {
    /** Counts cancellation checks; the check throws from the {@code stopAt}-th call on. */
    private static final class CountingContext {
        final AtomicInteger checks = new AtomicInteger();
        final KernelContext context;

        CountingContext(int stopAt) {
            // only checkCancelled matters to parallelFor; every other method of the context is unused here
            this.context = (KernelContext) Proxy.newProxyInstance(KernelContext.class.getClassLoader(), new Class<?>[] {KernelContext.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("checkCancelled")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        if (checks.incrementAndGet() >= stopAt) {
                            throw new RunCancelledException("run cancelled in node test", "test");
                        }
                        return null;
                    });
        }
    }

    private static final int N = 1 << 26;

    private static Kernel sweep(CpuExecution ex, AtomicLong done) {
        return ctx -> ex.parallelFor(N, 1, (s, e) -> done.addAndGet(e - s));
    }

    @Test
    void aSingleThreadedSweepStopsAtTheCheckAfterTheCancel() {
        try (CpuExecution ex = new CpuExecution(1)) {
            AtomicLong done = new AtomicLong();
            CountingContext ctx = new CountingContext(3);
            assertThrows(RunCancelledException.class, () -> ex.guarded(sweep(ex, done)).execute(ctx.context));
            assertEquals(2 * CpuExecution.CHECK_GRAIN, done.get(), "two slices ran, the third was refused");
        }
    }

    @Test
    void parallelChunksCheckToo() {
        try (CpuExecution ex = new CpuExecution(2)) {
            AtomicLong done = new AtomicLong();
            CountingContext ctx = new CountingContext(1);
            assertThrows(RunCancelledException.class, () -> ex.guarded(sweep(ex, done)).execute(ctx.context));
            assertTrue(done.get() < N, "not every chunk ran: " + done.get());
        }
    }

    @Test
    void withoutAGuardOrWithAQuietContextEverythingRuns() {
        try (CpuExecution ex = new CpuExecution(1)) {
            AtomicLong done = new AtomicLong();
            sweep(ex, done).execute(new CountingContext(1).context);
            assertEquals(N, done.get(), "an unguarded kernel is never interrupted");
            done.set(0);
            CountingContext quiet = new CountingContext(Integer.MAX_VALUE);
            ex.guarded(sweep(ex, done)).execute(quiet.context);
            assertEquals(N, done.get());
            assertEquals(N / CpuExecution.CHECK_GRAIN, quiet.checks.get(), "one check per slice");
        }
    }
}
