package dev.kiln.backend.cpu;

import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: the hand-off cost of {@link CpuExecution#parallelFor}, a split of 2 tiny chunks back to back, and
 * the same with a serial gap of a few microseconds between splits (the small kernels between two GEMMs of a run).
 * Prints the median microseconds per split. Arguments: threads (default 2). Uses only the public API, so the same
 * file compiles against an older build for an A/B comparison; see docs/performance.md "Thread pool".
 */
public final class CpuExecutionBench {
    private static volatile long sink;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try (CpuExecution ex = new CpuExecution(threads)) {
            for (int gapMicros : new int[] {0, 5, 20, 200}) {
                double[] t = new double[21];
                int reps = 2000;
                for (int round = -10; round < t.length; round++) {
                    long start = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        ex.parallelFor(2, CpuExecution.MIN_GRAIN, (s, e) -> sink += e - s);
                        busy(gapMicros);
                    }
                    long elapsed = System.nanoTime() - start;
                    if (round >= 0) {
                        t[round] = elapsed / 1e3 / reps - gapMicros;
                    }
                }
                Arrays.sort(t);
                System.out.println(String.format(Locale.ROOT, "threads %d, gap %3d us: %.2f us per split (median of %d)",
                        threads, gapMicros, t[t.length / 2], t.length));
            }
        }
    }

    private static void busy(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) {
            sink++;
        }
    }
}
