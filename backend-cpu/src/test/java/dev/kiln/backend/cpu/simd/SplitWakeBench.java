package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: MiniLM 1 x 32's FFN product (32 x 384 x 1536, weights cycled from memory) after a serial stretch long
 * enough for the pool's worker to park, as in the model, timed (wall) three ways in turn in one JVM: on one thread;
 * split over 2 threads right after the stretch (the worker must wake for it); split after the stretch and a
 * 32 x 384 x 384 product that stays on the calling thread (which wakes the worker: {@code CpuExecution.splits}),
 * as the out-projection precedes the FFN in the model. Arguments: stretch in microseconds (default 300), rounds
 * (default 41). Run with {@code --add-modules jdk.incubator.vector}; see docs/performance.md, "GEMM with constant
 * weights".
 */
public final class SplitWakeBench {
    private SplitWakeBench() {
    }

    public static void main(String[] args) {
        long stretch = (args.length > 0 ? Long.parseLong(args[0]) : 300) * 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 41;
        SplittableRandom random = new SplittableRandom(2);
        int m = 32;
        int k = 384;
        int n = 1536;
        int copies = 16;
        float[] a = fill(random, m * k);
        PackedPanels[] ffn = new PackedPanels[copies];
        PackedPanels[] proj = new PackedPanels[copies];
        for (int i = 0; i < copies; i++) {
            ffn[i] = PackedPanels.pack(fill(random, k * n), 0, n, false, k, n, SimdGemm.panelWidth());
            proj[i] = PackedPanels.pack(fill(random, k * k), 0, k, false, k, k, SimdGemm.panelWidth());
        }
        float[] c = new float[m * n];
        float[] d = new float[m * k];
        double[][] t = new double[3][rounds];
        try (CpuExecution two = new CpuExecution(2)) {
            for (int round = -rounds; round < rounds; round++) {
                for (int way = 0; way < 3; way++) {
                    PackedPanels w = ffn[(round + rounds) % copies];
                    busy(stretch);
                    if (way == 2) {
                        SimdGemm.multiply(two, a, 0, k, m, proj[(round + rounds) % copies], d, 0, k, null);
                    }
                    long t0 = System.nanoTime();
                    SimdGemm.multiply(way == 0 ? null : two, a, 0, k, m, w, c, 0, n, null);
                    long t1 = System.nanoTime();
                    if (round >= 0) {
                        t[way][round] = (t1 - t0) / 1e3;
                    }
                }
            }
        }
        String[] names = {"1 thread", "2 threads, worker parked", "2 threads, woken by the product before"};
        System.out.println("simd " + Simd.describe() + ", 32x384x1536 after " + stretch / 1000 + " us serial, median of "
                + rounds + " (wall)");
        for (int way = 0; way < 3; way++) {
            Arrays.sort(t[way]);
            System.out.println(String.format(Locale.ROOT, "%-40s %7.1f us", names[way], t[way][rounds / 2]));
        }
    }

    private static void busy(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    private static float[] fill(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}
