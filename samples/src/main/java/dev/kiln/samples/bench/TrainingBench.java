package dev.kiln.samples.bench;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.runtime.exec.OpTiming;
import dev.kiln.runtime.session.SessionOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Times training steps ({@code train-mlp:B}, {@code train-minilm:BxS}) and reports them against the
 * machine's sgemm peak measured in the same run: a 2048^3 float GEMM through the CPU backend's OpenBLAS
 * path with the session's thread count. The fraction of peak is 3 x forward FLOPs / step time / peak.
 * Not thread-safe; one call prints one report.
 */
public final class TrainingBench {
    private static final int PEAK_SIZE = 2048;

    private TrainingBench() {
    }

    /** Whether {@code target} names a training benchmark. */
    public static boolean handles(String target) {
        return TrainingWorkload.isTrainingTarget(target);
    }

    /** Runs {@code warmup} untimed and {@code runs} timed steps of {@code target} and prints the report to {@code out}. */
    public static void run(String target, SessionOptions options, int runs, int warmup, boolean profile, PrintWriter out) {
        TrainingWorkload w = TrainingWorkload.find(target);
        double[] times = new double[runs];
        List<OpTiming> opTimes;
        double firstLoss;
        double lastLoss;
        long t0 = System.nanoTime();
        try (TrainingStep step = new TrainingStep(w.forward(), "loss", options)) {
            double openMs = (System.nanoTime() - t0) / 1e6;
            firstLoss = step.run(w.data());
            for (int i = 1; i < warmup; i++) {
                step.run(w.data());
            }
            step.session().profiling(profile);
            double loss = firstLoss;
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                loss = step.run(w.data());
                times[i] = (System.nanoTime() - s) / 1e6;
            }
            lastLoss = loss;
            opTimes = step.session().profile();
            out.println(String.format(Locale.ROOT, "%s, %d threads, %d runs, %d parameter tensors (%d weights), build+open %.0f ms",
                    w.name(), options.threads(), runs, step.parameterCount(), step.parameterElements(), openMs));
        }
        double peak = sgemmPeak(options.threads());
        double median = Timings.median(times);
        double gflops = 3 * w.forwardFlops() / (median / 1e3) / 1e9;
        out.println(String.format(Locale.ROOT, "step median_ms=%.3f p90_ms=%.3f (forward %.3f GFLOP, step 3x = %.3f GFLOP)", median,
                Timings.p90(times), w.forwardFlops() / 1e9, 3 * w.forwardFlops() / 1e9));
        out.println(String.format(Locale.ROOT, "achieved=%.1f GFLOP/s sgemm_peak=%.1f GFLOP/s fraction=%.3f", gflops, peak, gflops / peak));
        out.println(String.format(Locale.ROOT, "loss %.6g before the first step, %.6g at the last", firstLoss, lastLoss));
        if (profile) {
            double total = opTimes.stream().mapToDouble(OpTiming::millis).sum();
            out.println(String.format(Locale.ROOT, "%-28s %-8s %8s %12s %6s", "op", "backend", "calls/run", "ms/run", "share"));
            for (OpTiming t : opTimes) {
                out.println(String.format(Locale.ROOT, "%-28s %-8s %8d %12.3f %5.1f%%", t.opType(), t.backendId(), t.calls() / runs,
                        t.millis() / runs, 100 * t.millis() / total));
            }
        }
        out.flush();
    }

    /** GFLOP/s of the best of five {@value #PEAK_SIZE}^3 float GEMMs (after one warm-up) on {@code threads} threads. */
    static double sgemmPeak(int threads) {
        int n = PEAK_SIZE;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        Random r = new Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
            b[i] = r.nextFloat();
        }
        float[] c = new float[n * n];
        try (CpuExecution execution = new CpuExecution(threads)) {
            Blas.NativeFloats pa = Blas.pack(a, 0, a.length);
            Blas.NativeFloats pb = Blas.pack(b, 0, b.length);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 6; i++) {
                long s = System.nanoTime();
                Blas.sgemm(execution, false, false, n, n, n, 1f, Blas.Floats.of(pa, 0, n), Blas.Floats.of(pb, 0, n), c, 0, n);
                double sec = (System.nanoTime() - s) / 1e9;
                if (i > 0) {
                    best = Math.min(best, sec);
                }
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
