package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: one thread's CPU time (ThreadMXBean, robust on a loaded machine) of {@code SimdGemm.multiply} and of
 * {@code Blas.sgemm} (weight prepacked in native memory, as FusedMatMul's OpenBLAS path uses it) on MiniLM's
 * product shapes, alternating in one JVM; prints the median GFLOP/s of each and their ratio. Arguments: threads
 * (default 1; above 1 the wall time of the pool's split is measured instead), {@code warm} or {@code cold} (default
 * warm; cold cycles through copies of the weight totalling 128 MB, so that each product streams its weight from
 * memory as in a whole model whose 42 MB of weights exceed the caches), rounds (default 15), and {@code split}
 * to time SimdGemm on one thread against SimdGemm split over the threads instead (wall time both), and a serial
 * gap in microseconds spent on the calling thread before each product (default 0; above the pool's spin time the
 * worker is parked when each split starts, as between the products of a model), and the epilogue of the products:
 * {@code none} (default), {@code bias} (FusedMatMul's bias, added in SimdGemm's tile), {@code biaspass} (the same
 * bias as a pass over each finished row piece, as before), {@code gelu} (bias in the tile and GELU, as FusedMatMul's).
 * Run with {@code --add-modules jdk.incubator.vector} and {@code OPENBLAS_CORETYPE=SKYLAKEX}; see
 * docs/performance.md, "GEMM with constant weights".
 */
public final class SimdGemmCpuBench {
    /** (M, K, N) of MiniLM's products at 8 x 128 and 1 x 32 tokens. */
    private static final int[][] SHAPES = {{1024, 384, 384}, {1024, 384, 1536}, {1024, 1536, 384}, {32, 384, 384},
        {32, 384, 1536}, {32, 1536, 384}, {32, 384, 1152}};

    private SimdGemmCpuBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        boolean cold = args.length > 1 && args[1].equals("cold");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        boolean split = args.length > 3 && args[3].equals("split");
        long gapNanos = args.length > 4 ? Long.parseLong(args[4]) * 1000 : 0;
        String epilogue = args.length > 5 ? args[5] : "none";
        System.out.println("simd " + Simd.describe() + ", " + threads + " thread(s), "
                + (threads == 1 ? "thread CPU time" : "wall time") + (cold ? ", cold weights" : ", warm weights")
                + ", median of " + rounds + (split ? ", SimdGemm on 1 thread (wall) against " + threads : "")
                + (gapNanos > 0 ? ", " + gapNanos / 1000 + " us serial gap before each product (timed)" : "")
                + ", epilogue " + epilogue);
        try (CpuExecution ex = threads == 1 ? null : new CpuExecution(threads)) {
            for (int[] s : SHAPES) {
                run(ex, s[0], s[1], s[2], cold, rounds, split, gapNanos, epilogue);
            }
        }
    }

    private static void run(CpuExecution ex, int m, int k, int n, boolean cold, int rounds, boolean split,
                            long gapNanos, String epilogueName) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(1);
        float[] a = fill(random, m * k);
        float[] b = fill(random, k * n);
        float[] c = new float[m * n];
        int copies = cold ? (int) Math.max(1, (128L << 20) / (4L * k * n)) : 1;
        PackedPanels[] p = new PackedPanels[copies];
        Blas.Floats[] nb = new Blas.Floats[copies];
        for (int w = 0; w < copies; w++) {
            p[w] = PackedPanels.pack(b, 0, n, false, k, n, SimdGemm.panelWidth());
            nb[w] = split ? null : Blas.Floats.of(Blas.pack(b, 0, b.length), 0, n);
        }
        Blas.Floats na = Blas.Floats.of(a, 0, k);
        float[] bias = fill(random, n);
        Blas.Epilogue gelu = (out, off, row, col0, cols) -> SimdMath.gelu(out, off, cols);
        Blas.Epilogue epilogue = switch (epilogueName) {
            case "bias" -> new Blas.Epilogue.Bias(bias, null);
            case "gelu" -> new Blas.Epilogue.Bias(bias, gelu);
            case "biaspass" -> (out, off, row, col0, cols) -> addBias(out, off, bias, col0, cols);
            case "none" -> null;
            default -> throw new IllegalArgumentException("epilogue: expected none, bias, biaspass or gelu, got "
                    + epilogueName);
        };
        double flop = 2.0 * m * n * k;
        int reps = Math.max(3, (int) (4e8 / flop));
        double[] tA = new double[rounds];
        double[] tB = new double[rounds];

        // one thread alone: its CPU time; a split: wall time (the caller's CPU time misses the workers')
        boolean cpuTime = ex == null;
        for (int round = -rounds; round < rounds; round++) {
            long t0 = clock(mx, cpuTime);
            for (int r = 0; r < reps; r++) {
                busy(gapNanos);
                SimdGemm.multiply(split ? null : ex, a, 0, k, m, p[r % copies], c, 0, n, epilogue);
            }
            long t1 = clock(mx, cpuTime);
            for (int r = 0; r < reps; r++) {
                busy(gapNanos);
                if (split) {
                    SimdGemm.multiply(ex, a, 0, k, m, p[r % copies], c, 0, n, epilogue);
                } else {
                    Blas.sgemm(ex, false, false, m, n, k, 1f, na, nb[r % copies], c, 0, n);
                }
            }
            long t2 = clock(mx, cpuTime);
            if (round >= 0) {
                tA[round] = (t1 - t0) / 1e6 / reps;
                tB[round] = (t2 - t1) / 1e6 / reps;
            }
        }
        Arrays.sort(tA);
        Arrays.sort(tB);
        double ta = tA[rounds / 2];
        double tb = tB[rounds / 2];
        System.out.println(String.format(Locale.ROOT,
                "M %5d K %5d N %5d  %s %8.3f ms %6.1f GF/s   %s %8.3f ms %6.1f GF/s   time ratio %.2f",
                m, k, n, split ? "simd-1t" : "simd", ta, flop / ta / 1e6, split ? "simd-" + ex.threads() + "t" : "blas",
                tb, flop / tb / 1e6, ta / tb));
    }

    /** The bias as FusedMatMul added it before SimdGemm took it into its tile: a pass over each row piece. */
    private static void addBias(float[] out, int off, float[] bias, int col0, int cols) {
        for (int j = 0; j < cols; j++) {
            out[off + j] += bias[col0 + j];
        }
    }

    /** The serial work between two products of a model (a parked worker has to wake for the next split). */
    private static void busy(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    private static long clock(ThreadMXBean mx, boolean cpuTime) {
        return cpuTime ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static float[] fill(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}
