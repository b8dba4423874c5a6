package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.testing.RandomTensors;
import java.util.Arrays;
import java.util.Random;

/**
 * Times the float32 attention body alone, one thread, the BLAS-based version it replaced
 * ({@link BlasAttentionReference}), the plain-Java {@link AttentionBlock} and, when the JVM has the Vector API,
 * {@link dev.kiln.backend.cpu.simd.SimdAttention}, alternating in one JVM, on MiniLM's
 * shapes (12 heads of 32, mask [B, 1, 1, S]). Not a test: run it with
 * {@code java -cp <backend-cpu test and runtime class path> dev.kiln.backend.cpu.kernels.linalg.AttentionBench [rounds]}
 * (see docs/performance.md, "Attention kernel"). Prints the median thread CPU time per call of each and their ratios.
 */
public final class AttentionBench {
    /** Thread CPU time, steadier than wall time on a shared machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private AttentionBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        for (int[] shape : new int[][] {{8, 128}, {1, 32}}) {
            run(shape[0], shape[1], 12, 32, rounds, false);
        }
        run(8, 128, 12, 32, rounds, true);
    }

    /** With {@code padded}, the last quarter of each sequence's keys is masked with -10000, as padding is. */
    private static void run(int batch, int seq, int heads, int d, int rounds, boolean padded) {
        Random random = new Random(1);
        int width = heads * d;
        float[] q = RandomTensors.uniform(random, -1f, 1f, batch, seq, width).floatData();
        float[] k = RandomTensors.uniform(random, -1f, 1f, batch, seq, width).floatData();
        float[] v = RandomTensors.uniform(random, -1f, 1f, batch, seq, width).floatData();
        Tensor m = RandomTensors.uniform(random, -2f, 0f, batch, 1, 1, seq);
        if (padded) {
            float[] md = m.floatData();
            for (int i = 0; i < md.length; i++) {
                md[i] = i % seq >= seq * 3 / 4 ? -10000f : md[i];
            }
        }
        FusedAttentionKernel.MaskView mask = FusedAttentionKernel.MaskView.of(m, DType.FLOAT, batch, heads, seq, seq);
        float scale = (float) (1 / Math.sqrt(d));
        float[] old = new float[q.length];
        float[] now = new float[q.length];
        float[] vec = new float[q.length];
        boolean simd = Simd.enabled();
        int reps = Math.max(1, 200_000 / (batch * seq * seq));
        long[] oldNs = new long[rounds];
        long[] newNs = new long[rounds];
        long[] simdNs = new long[rounds];
        // one thread: the tasks run on this thread, so its CPU time is the kernel's
        try (CpuExecution one = new CpuExecution(1)) {
            for (int r = -rounds / 3; r < rounds; r++) {
                long t0 = CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    BlasAttentionReference.attend(q, k, v, old, scale, mask, batch, heads, seq, seq, d);
                }
                long t1 = CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    FusedAttentionKernel.attendFloats(one, false, q, k, v, now, scale, mask, batch, heads, seq, seq, d);
                }
                long t2 = CPU.getCurrentThreadCpuTime();
                for (int i = 0; simd && i < reps; i++) {
                    FusedAttentionKernel.attendFloats(one, true, q, k, v, vec, scale, mask, batch, heads, seq, seq, d);
                }
                long t3 = CPU.getCurrentThreadCpuTime();
                if (r >= 0) {
                    oldNs[r] = (t1 - t0) / reps;
                    newNs[r] = (t2 - t1) / reps;
                    simdNs[r] = (t3 - t2) / reps;
                }
            }
        }
        double o = median(oldNs) / 1e6;
        double n = median(newNs) / 1e6;
        double flop = 4.0 * batch * heads * seq * seq * d;
        System.out.printf("attention %dx%d%s (%d heads x %d): BLAS %.3f ms, plain Java %.3f ms (%.1f GFLOP/s), BLAS/plain %.2f, max |diff| %.2e%n",
                batch, seq, padded ? " padded" : "", heads, d, o, n, flop / (n * 1e6), o / n, maxDiff(old, now));
        if (simd) {
            double vm = median(simdNs) / 1e6;
            System.out.printf("    SIMD %.3f ms (%.1f GFLOP/s), plain/SIMD %.2f, max |diff| to plain %.2e%n", vm, flop / (vm * 1e6), n / vm,
                    maxDiff(now, vec));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        return maxDiff;
    }

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
