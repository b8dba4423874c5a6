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
        try (CpuExecution ex = new CpuExecution(threads); CpuExecution one = new CpuExecution(1)) {
            for (int gapMicros : new int[] {0, 5, 20, 200}) {
                int rounds = 21;
                double[] t = new double[rounds];
                double[] base = new double[rounds];
                int reps = gapMicros >= 100 ? 200 : 2000;
                for (int round = -10; round < rounds; round++) {
                    double split = perSplit(ex, reps, gapMicros);
                    double inline = perSplit(one, reps, gapMicros);
                    if (round >= 0) {
                        t[round] = split;
                        base[round] = inline;
                    }
                }
                Arrays.sort(t);
                Arrays.sort(base);
                System.out.println(String.format(Locale.ROOT,
                        "threads %d, gap %3d us: %.2f us per split and gap, %.2f us on one thread: hand-off %.2f us (medians of %d)",
                        threads, gapMicros, t[rounds / 2], base[rounds / 2], t[rounds / 2] - base[rounds / 2], rounds));
            }
        }
    }

    /** Microseconds per split followed by a serial gap, averaged over {@code reps}. */
    private static double perSplit(CpuExecution ex, int reps, int gapMicros) {
        long start = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            ex.parallelFor(2, CpuExecution.MIN_GRAIN, (s, e) -> sink += e - s);
            busy(gapMicros);
        }
        return (System.nanoTime() - start) / 1e3 / reps;
    }

    private static void busy(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) {
            sink++;
        }
    }
}
