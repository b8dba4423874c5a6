package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: {@code SimdGemm} against {@code Blas.sgemm} (weights prepacked in native memory, as FusedMatMul
 * uses it) on MiniLM's GEMM shapes, alternating in one JVM; prints median milliseconds and GFLOP/s of each.
 * Arguments: threads (default 2). Run with {@code --add-modules jdk.incubator.vector}; see docs/performance.md.
 */
public final class SimdGemmBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int[][] shapes = {{1024, 384, 384}, {1024, 1536, 384}, {1024, 384, 1536}, {32, 384, 384}, {32, 1536, 384},
            {32, 384, 1536}, {128, 384, 384}, {1020, 384, 384}, {30, 1536, 384}, {1024, 380, 384}};
        SplittableRandom random = new SplittableRandom(1);
        System.out.println("simd " + Simd.describe() + ", threads " + threads);
        try (CpuExecution ex = new CpuExecution(threads)) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) random.nextDouble();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextDouble();
                }
                float[] c = new float[m * n];
                PackedPanels p = PackedPanels.pack(b, 0, n, false, k, n, SimdGemm.panelWidth());
                Blas.Floats nb = Blas.Floats.of(Blas.pack(b, 0, b.length), 0, n);
                Blas.Floats na = Blas.Floats.of(a, 0, k);
                int reps = Math.max(3, (int) (2e9 / (2.0 * m * n * k)));
                double[] tSimd = new double[15];
                double[] tBlas = new double[15];
                for (int round = -5; round < 15; round++) {
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        SimdGemm.multiply(ex, a, 0, k, m, p, c, 0, n, null);
                    }
                    long t1 = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        Blas.sgemm(ex, false, false, m, n, k, 1f, na, nb, c, 0, n);
                    }
                    long t2 = System.nanoTime();
                    if (round >= 0) {
                        tSimd[round] = (t1 - t0) / 1e6 / reps;
                        tBlas[round] = (t2 - t1) / 1e6 / reps;
                    }
                }
                Arrays.sort(tSimd);
                Arrays.sort(tBlas);
                double flop = 2.0 * m * n * k;
                System.out.println(String.format(Locale.ROOT, "%5dx%-5dx%-5d simd %8.3f ms %6.1f GF/s   blas %8.3f ms %6.1f GF/s   blas/simd %.2f",
                        m, n, k, tSimd[7], flop / tSimd[7] / 1e6, tBlas[7], flop / tBlas[7] / 1e6, tBlas[7] / tSimd[7]));
            }
        }
    }
}
