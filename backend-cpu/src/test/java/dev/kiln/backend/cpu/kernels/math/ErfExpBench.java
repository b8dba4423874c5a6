package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.util.FloatBlocks;
import dev.kiln.backend.cpu.util.FloatMath;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test: Erf and Exp over a million Gaussian floats (a MiniLM 8x128 GELU input is 1.5 million), the rows'
 * float32 loops (the Vector API ones where {@link Simd#enabled()}) against the plain blocks C2 vectorizes,
 * alternating on one thread in one JVM; prints the median thread CPU time of each over the last 100 of 140 rounds
 * and the bytes the SIMD Erf allocated in its last round (its scratch only, unless C2 boxed vectors). Run with
 * {@code --add-modules jdk.incubator.vector}; see docs/performance.md, "Training steps".
 */
public final class ErfExpBench {
    private static final int N = 1 << 20;
    private static final int ROUNDS = 140;
    private static final int WARM = 40;

    public static void main(String[] args) {
        float[] x = new float[N];
        float[] y = new float[N];
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            x[i] = (float) random.nextGaussian() * 2;
        }
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[][] t = new long[4][ROUNDS - WARM];
        long allocated = 0;
        for (int r = 0; r < ROUNDS; r++) {
            long b0 = bean.getCurrentThreadAllocatedBytes();
            long t0 = bean.getCurrentThreadCpuTime();
            // in 64 chunks, as the kernel's parallel split calls it
            for (int c = 0; c < N; c += N / 64) {
                UnaryMath.ERF.floats(x, y, c, c + N / 64);
            }
            long t1 = bean.getCurrentThreadCpuTime();
            allocated = bean.getCurrentThreadAllocatedBytes() - b0;
            FloatBlocks.map(x, y, 0, N, (in, out, s, n) -> FloatErf.erf(in, 1f, out, s, n));
            long t2 = bean.getCurrentThreadCpuTime();
            UnaryMath.EXP.floats(x, y, 0, N);
            long t3 = bean.getCurrentThreadCpuTime();
            FloatBlocks.map(x, y, 0, N, (in, out, s, n) -> FloatMath.exp(in, out, s[0], n));
            long t4 = bean.getCurrentThreadCpuTime();
            if (r >= WARM) {
                long[] d = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
                for (int k = 0; k < 4; k++) {
                    t[k][r - WARM] = d[k];
                }
            }
        }
        System.out.println("simd " + Simd.describe() + ", 1 thread, thread CPU time per 2^20 floats (median ms)");
        System.out.printf(Locale.ROOT, "Erf row %.2f  plain blocks %.2f  (row allocated %d bytes in its last round)%n",
                median(t[0]), median(t[1]), allocated);
        System.out.printf(Locale.ROOT, "Exp row %.2f  plain blocks %.2f%n", median(t[2]), median(t[3]));
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
