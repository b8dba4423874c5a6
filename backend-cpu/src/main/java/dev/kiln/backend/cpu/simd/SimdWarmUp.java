package dev.kiln.backend.cpu.simd;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Gets the Vector API kernels of this package compiled by C2 on tiny inputs before a model's real sizes reach them.
 *
 * <p>Why: until C2 compiles a Vector API method, every vector operation in it allocates a box. At real sizes that
 * was about 1.5 GB of garbage in the first runs of an all-MiniLM-L6-v2 session at 8 x 128 (JFR allocation
 * samples; two thirds of it in the GEMM micro-kernel), which made G1 grow the heap, and the process's resident
 * memory, to more than twice what the model needs; the JVM keeps that memory afterwards. The same methods called
 * on blocks of a few elements reach C2's thresholds within a few thousand calls and tens of megabytes.
 *
 * <p>Each kernel is called in batches, with inputs that vary the branches real calls take (so the compiled code is
 * not thrown away at the first real call), until a whole batch allocates nothing on this thread: its compiled form
 * is in use. Each kernel stops after {@value #MAX_MILLIS} ms in any case (a JVM that never compiles it, a full code
 * cache), after which real calls run as they would have. It runs once per JVM, on a daemon thread that
 * {@link #start()} (called when a CPU backend is created) launches; the GEMM waits for its own part before its
 * first product ({@link #awaitGemm()}). {@code -Dkiln.simd.warmup=off} turns it off. Thread-safe.
 */
public final class SimdWarmUp {
    /** System property: {@code off} skips the warm-up (the kernels then compile on real inputs, as before). */
    public static final String PROPERTY = "kiln.simd.warmup";
    private static final long MAX_MILLIS = 4000;
    private static final int BATCH = 32;
    private static final int QUIET_BATCHES = 3;
    /** Calls after which C2 has surely been asked to compile a kernel this size (tier-4 thresholds, loops counted). */
    private static final int PATIENT_AFTER_CALLS = 12_000;
    private static final int FIXED_CALLS = 20_000;
    private static final boolean ENABLED = !"off".equalsIgnoreCase(System.getProperty(PROPERTY, "on").trim());
    private static final CountDownLatch GEMM = new CountDownLatch(1);
    private static final CountDownLatch ALL = new CountDownLatch(1);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile String report = "";

    private SimdWarmUp() {
    }

    /**
     * Starts the warm-up on a daemon thread ({@code kiln-simd-warmup}) the first time it is called in this JVM,
     * so that it overlaps a session's graph passes and weight packing; later calls do nothing.
     */
    public static void start() {
        if (ENABLED && STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(SimdWarmUp::warmAll, "kiln-simd-warmup");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Waits until the GEMM micro-kernel is warm (starting the warm-up if nothing has), so a first product at a
     * model's size does not run boxed; afterwards a single volatile read.
     */
    public static void awaitGemm() {
        if (ENABLED && GEMM.getCount() > 0) {
            start();
            await(GEMM);
        }
    }

    /** Waits for the whole warm-up (tests and benchmarks that want it finished); returns at once when it is off. */
    public static void awaitAll() {
        if (ENABLED) {
            start();
            await(ALL);
        }
    }

    /** Milliseconds per kernel, e.g. {@code "gemm 210 ms, attention 95 ms, ..."}; empty until the warm-up ends. */
    public static String report() {
        return ENABLED ? report : "off (-D" + PROPERTY + "=off)";
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warmAll() {
        StringBuilder r = new StringBuilder();
        try {
            for (Kernel k : kernels()) {
                long t0 = System.nanoTime();
                boolean settled = until(k.call());
                r.append(r.length() == 0 ? "" : ", ").append(k.name()).append(' ')
                        .append((System.nanoTime() - t0) / 1_000_000).append(" ms").append(settled ? "" : " (not settled)");
                if (k.name().equals("gemm")) {
                    GEMM.countDown();
                }
            }
        } catch (RuntimeException | Error e) {
            // a kernel that fails on these inputs fails on real ones too, where the error names the node
            r.append(r.length() == 0 ? "" : ", ").append("stopped: ").append(e);
        } finally {
            report = r.toString();
            GEMM.countDown();
            ALL.countDown();
        }
    }

    private record Kernel(String name, IntConsumer call) {
    }

    /** One small call per kernel; the argument (the call's number) picks among the branches real inputs take. */
    private static List<Kernel> kernels() {
        int lanes = SimdShape.FLOATS.length();
        float[] x = ramp(2 * lanes + 5);
        float[] y = new float[x.length];
        float[] gemmA = ramp(SimdGemm.MR * 3);
        float[] gemmB = ramp(3 * SimdGemm.panelWidth());
        float[] gemmC = new float[SimdGemm.MR * SimdGemm.panelWidth()];
        int wide = SimdTapGemm.wideTileWidth();
        int[] taps = {0, 1, wide};
        float[] tapX = ramp(2 * wide + 1);
        float[] tapC = new float[6 * wide];
        int d = 4;
        int keys = 5;
        float[] q = ramp(7 * d);
        float[] k = ramp(keys * d);
        float[] v = ramp(keys * d);
        float[] out = new float[7 * d];
        float[] mask = new float[7 * keys];
        float[] gamma = ramp(lanes + 3);
        float[] beta = ramp(gamma.length);
        float[] rowX = ramp(gamma.length);
        float[] rowSkip = ramp(gamma.length);
        float[] rowY = new float[gamma.length];
        float[] rowSum = new float[gamma.length];
        return List.of(
                new Kernel("gemm", i -> SimdGemm.warmTile(gemmA, gemmB, gemmC, 1 + i % 3, (i & 1) == 0)),
                new Kernel("conv tile", i -> SimdTapGemm.warmWideTile(gemmA, taps, tapX, tapC, 1 + i % 3, (i & 1) == 0)),
                new Kernel("attention", i -> SimdAttention.attend(q, 0, d, k, 0, d, v, 0, d, out, 0, d, 0.5f,
                        (i & 1) == 0 ? null : mask, 0, (i & 2) == 0 ? 0 : keys, 1, 6 + (i & 1), keys - (i % 2), d)),
                new Kernel("layer norm", i -> SimdRowNorm.normalize(rowX, 0, (i & 1) == 0 ? null : rowSkip, 0,
                        (i & 2) == 0 ? null : rowSum, 0, rowY, 0, rowX.length - (i % 3) * 3, gamma,
                        (i & 4) == 0 ? null : beta, 1e-5, null)),
                new Kernel("softmax", i -> {
                    int n = x.length - (i % 3) * 5;
                    float max = SimdMath.max(x, 0, n);
                    float sum = (i & 1) == 0 ? SimdMath.expSum(x, 0, y, 0, n, max) : SimdMath.expShiftedSum(x, 0, y, 0, n, max);
                    SimdMath.scale(y, 0, n, 1f / sum);
                }),
                new Kernel("exp", i -> SimdMath.exp(x, 0, y, 0, x.length - (i % 3) * 5)),
                new Kernel("gelu", i -> SimdMath.gelu(x, 0, y, 0, x.length - (i % 3) * 5)));
    }

    /**
     * Calls {@code call} in batches until {@value #QUIET_BATCHES} batches in a row allocate at most an eighth of the
     * most a batch allocated per call so far (boxed, a call makes tens of vector boxes of 80+ bytes each; compiled,
     * only the scratch and tail arrays a kernel makes itself remain); false if time ran out. Past the calls C2 needs
     * to be asked, it waits a millisecond after each unsettled batch, so the compiler threads get the cores rather
     * than more garbage.
     */
    private static boolean until(IntConsumer call) {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000L;
        int quiet = 0;
        int i = 0;
        long most = 0;
        while (quiet < QUIET_BATCHES) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
            for (int b = 0; b < BATCH; b++) {
                call.accept(i++);
            }
            boolean settled;
            if (threads == null) {
                // without an allocation counter, a fixed number of calls (enough for C2's default thresholds)
                settled = i >= FIXED_CALLS;
            } else {
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                most = Math.max(most, allocated);
                settled = i > BATCH && allocated <= most / 8;
            }
            quiet = settled ? quiet + 1 : 0;
            if (!settled && i >= PATIENT_AFTER_CALLS && threads != null) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t;
        }
        return null;
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i % 17) * 0.0625f - 0.5f;
        }
        return a;
    }
}
