package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.RunCancelledException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A guarded kernel's large {@link CpuExecution#parallelFor} calls ask its context for cancellation between chunks. */
class CpuExecutionCancellationTest {
    /** A context with nothing in it whose check throws from the {@code stopAt}-th call on. */
    private static final class CountingContext implements KernelContext {
        final AtomicInteger checks = new AtomicInteger();
        final int stopAt;

        CountingContext(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void checkCancelled() {
            if (checks.incrementAndGet() >= stopAt) {
                throw new RunCancelledException("run cancelled in node test", "test");
            }
        }

        @Override
        public Node node() {
            return Node.builder("Relu").name("test").input("x").output("y").build();
        }

        @Override
        public int inputCount() {
            return 0;
        }

        @Override
        public boolean hasInput(int i) {
            return false;
        }

        @Override
        public RuntimeValue input(int i) {
            return null;
        }

        @Override
        public Tensor tensor(int i) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int outputCount() {
            return 0;
        }

        @Override
        public boolean isOutputRequested(int i) {
            return false;
        }

        @Override
        public void setOutput(int i, RuntimeValue value) {
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return Tensor.zeros(dtype, shape);
        }

        @Override
        public int opsetVersion() {
            return 17;
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
            assertThrows(RunCancelledException.class, () -> ex.guarded(sweep(ex, done)).execute(ctx));
            assertEquals(2 * CpuExecution.CHECK_GRAIN, done.get(), "two slices ran, the third was refused");
        }
    }

    @Test
    void parallelChunksCheckToo() {
        try (CpuExecution ex = new CpuExecution(2)) {
            AtomicLong done = new AtomicLong();
            CountingContext ctx = new CountingContext(1);
            assertThrows(RunCancelledException.class, () -> ex.guarded(sweep(ex, done)).execute(ctx));
            assertTrue(done.get() < N, "not every chunk ran: " + done.get());
        }
    }

    @Test
    void withoutAGuardOrWithAQuietContextEverythingRuns() {
        try (CpuExecution ex = new CpuExecution(1)) {
            AtomicLong done = new AtomicLong();
            sweep(ex, done).execute(new CountingContext(1));
            assertEquals(N, done.get(), "an unguarded kernel is never interrupted");
            done.set(0);
            CountingContext quiet = new CountingContext(Integer.MAX_VALUE);
            ex.guarded(sweep(ex, done)).execute(quiet);
            assertEquals(N, done.get());
            assertEquals(N / CpuExecution.CHECK_GRAIN, quiet.checks.get(), "one check per slice");
        }
    }
}
