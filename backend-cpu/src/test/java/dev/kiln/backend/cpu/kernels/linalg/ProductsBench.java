package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: products of operands that change every call (training: activations times gradients, with the
 * transposes of a backward pass), {@link SimdProducts} packing per call against {@code Blas.sgemm}, alternating
 * in one JVM on one thread (thread CPU time), or with a thread count as the argument on that many threads (wall
 * time). Prints the median of each per shape. Run with
 * {@code --add-modules jdk.incubator.vector}; see docs/performance.md.
 */
public final class ProductsBench {
    public static void main(String[] args) {
        // {m, n, k, transA, transB}: MiniLM 8x128 training forward, input gradient, weight gradient; attention heads
        int[][] shapes = {{1024, 384, 384, 0, 0}, {1024, 384, 384, 0, 1}, {384, 384, 1024, 1, 0}, {1024, 1536, 384, 0, 0},
            {1024, 384, 1536, 0, 1}, {384, 1536, 1024, 1, 0}, {128, 128, 32, 0, 1}, {128, 32, 128, 0, 0}, {32, 32, 128, 1, 0},
            {256, 1024, 784, 0, 0}, {16, 64, 64, 0, 0}};
        SplittableRandom random = new SplittableRandom(1);
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        boolean wall = threads > 1;
        System.out.println("simd " + Simd.describe() + ", " + threads + " thread(s), " + (wall ? "wall time" : "thread CPU time"));
        try (CpuExecution one = new CpuExecution(threads)) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                boolean ta = s[3] == 1;
                boolean tb = s[4] == 1;
                float[] a = fill(random, m * k);
                float[] b = fill(random, k * n);
                float[] c = new float[m * n];
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                int reps = Math.max(3, (int) (1e8 / (2.0 * m * n * k)));
                double[] ts = new double[11];
                double[] tb2 = new double[11];
                for (int round = -4; round < 11; round++) {
                    long t0 = wall ? System.nanoTime() : cpu();
                    for (int r = 0; r < reps; r++) {
                        SimdProducts.multiply(one, ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, null);
                    }
                    long t1 = wall ? System.nanoTime() : cpu();
                    for (int r = 0; r < reps; r++) {
                        Blas.sgemm(one, ta, tb, m, n, k, 1f, Blas.Floats.of(a, 0, lda), Blas.Floats.of(b, 0, ldb), c, 0, n);
                    }
                    long t2 = wall ? System.nanoTime() : cpu();
                    if (round >= 0) {
                        ts[round] = (t1 - t0) / 1e6 / reps;
                        tb2[round] = (t2 - t1) / 1e6 / reps;
                    }
                }
                Arrays.sort(ts);
                Arrays.sort(tb2);
                System.out.println(String.format(Locale.ROOT, "%5dx%-5dx%-5d transA=%d transB=%d  simd+pack %8.3f ms  blas %8.3f ms  blas/simd %.2f",
                        m, n, k, s[3], s[4], ts[5], tb2[5], tb2[5] / ts[5]));
            }
        }
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static float[] fill(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
