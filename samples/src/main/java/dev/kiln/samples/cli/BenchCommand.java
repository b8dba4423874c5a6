package dev.kiln.samples.cli;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.runtime.exec.OpTiming;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.samples.bench.Timings;
import dev.kiln.samples.bench.TrainingBench;
import dev.kiln.samples.bench.Workload;
import dev.kiln.samples.bench.Workloads;
import dev.kiln.testing.OrtRunner;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = {
        "Time a model on one set of inputs: prints median_ms=<x> p90_ms=<y>.",
        "With --compare-ort, runs ONNX Runtime on the same model and inputs in the same process, alternating with Kiln,",
        "and prints both and the ratio of the medians (Kiln / ORT)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET",
            description = {"A test-case folder (model.onnx and test_data_set_0/), minilm:BxS (all-MiniLM-L6-v2, B sentences of S tokens)",
                    "or resnet18:B (ResNet-18 on B random 224x224 images), or a training step: train-mlp:B (784-1024-1024-10 MLP)",
                    "or train-minilm:BxS (forward, backward and AdamW), reported with achieved GFLOP/s and the fraction of an sgemm",
                    "peak measured in the same run."})
    String target;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "20", description = "Timed runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--compare-ort", description = "Also time ONNX Runtime (intra-op threads = --threads) and print the ratio.")
    boolean compareOrt;

    @Option(names = "--pause-ms", paramLabel = "MS", defaultValue = "0", description = {
            "Sleep this long before each timed run (default: ${DEFAULT-VALUE}), so that with --compare-ort each engine starts",
            "with the other's idle threads parked: ONNX Runtime's spin for about 20-30 ms after a run and share the cores",
            "with a Kiln run that follows (docs/performance.md, \"Thread pool\")."})
    long pauseMs;

    @Option(names = "--profile", description = "After the timed runs, print Kiln's time per op type over them.")
    boolean profile;

    @Option(names = "--memory", description = {
            "Instead of timing both engines in one process, run Kiln and then ONNX Runtime each in a child JVM of its own",
            "and print each one's peak resident memory over the timed runs (after session open and warmup) and their ratio."})
    boolean memory;

    @Option(names = "--engine", hidden = true, description = "kiln or ort: run only that engine and print its memory (the --memory child).")
    String engine;

    @Mixin
    SessionFlags session;

    private java.util.List<OpTiming> opTimes = java.util.List.of();

    @Override
    public Integer call() {
        if (runs < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1 and --warmup at least 0");
        }
        if (TrainingBench.handles(target)) {
            if (compareOrt) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--compare-ort times inference; training targets compare with the sgemm peak");
            }
            spec.commandLine().getOut().println("cpu simd kernels: " + dev.kiln.backend.cpu.simd.Simd.describe());
            TrainingBench.run(target, session.toOptions(), runs, warmup, profile, spec.commandLine().getOut());
            return 0;
        }
        if (memory) {
            return new MemoryComparison(spec.commandLine().getOut(), childArguments()).run();
        }
        Workload w = Workloads.find(target);
        SessionOptions options = session.toOptions();
        if (engine != null) {
            return MemoryComparison.child(spec.commandLine().getOut(), engine, w, options, warmup, runs);
        }
        Map<String, RuntimeValue> feeds = new LinkedHashMap<>(w.feeds());
        double[] kiln = new double[runs];
        double[] ort = new double[runs];
        long t0 = System.nanoTime();
        try (Session s = Session.open(w.modelBytes(), options);
                OrtRunner reference = openReference(w, options, t0)) {
            for (int i = 0; i < warmup; i++) {
                s.run(feeds);
                if (reference != null) {
                    reference.run(w.feeds());
                }
            }
            s.profiling(profile);
            // Alternate, swapping who goes first each round, so drift in machine load hits both alike.
            for (int i = 0; i < runs; i++) {
                boolean kilnFirst = i % 2 == 0;
                if (reference != null && !kilnFirst) {
                    pause();
                    ort[i] = time(() -> reference.run(w.feeds()));
                }
                pause();
                kiln[i] = time(() -> s.run(feeds));
                if (reference != null && kilnFirst) {
                    pause();
                    ort[i] = time(() -> reference.run(w.feeds()));
                }
            }
            opTimes = s.profile();
            if (reference != null) {
                maxAbsDiff = maxAbsDiff(s.run(feeds), reference.run(w.feeds()));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (compareOrt || profile) {
            // the plain form stays one line (median and p90) for scripts
            out.println("cpu simd kernels: " + dev.kiln.backend.cpu.simd.Simd.describe());
        }
        if (compareOrt) {
            out.println(String.format(Locale.ROOT, "%s, %d threads, %d runs", w.name(), options.threads(), runs));
            out.println(String.format(Locale.ROOT, "kiln median_ms=%.3f p90_ms=%.3f", Timings.median(kiln), Timings.p90(kiln)));
            out.println(String.format(Locale.ROOT, "ort  median_ms=%.3f p90_ms=%.3f", Timings.median(ort), Timings.p90(ort)));
            out.println(String.format(Locale.ROOT, "ratio=%.3f (kiln median / ort median)", Timings.median(kiln) / Timings.median(ort)));
            out.println(String.format(Locale.ROOT, "session open: kiln %.0f ms, ort %.0f ms", kilnOpenMs, ortOpenMs));
            out.println(String.format(Locale.ROOT, "outputs: max abs diff kiln vs ort = %.3g (largest |ort output| %.3g)", maxAbsDiff, maxAbsOrt));
        } else {
            out.println(String.format(Locale.ROOT, "median_ms=%.3f p90_ms=%.3f", Timings.median(kiln), Timings.p90(kiln)));
        }
        if (profile) {
            double total = opTimes.stream().mapToDouble(OpTiming::millis).sum();
            out.println(String.format(Locale.ROOT, "%-28s %-8s %8s %12s %6s", "op", "backend", "calls/run", "ms/run", "share"));
            for (OpTiming t : opTimes) {
                out.println(String.format(Locale.ROOT, "%-28s %-8s %8d %12.3f %5.1f%%", t.opType(), t.backendId(), t.calls() / runs,
                        t.millis() / runs, 100 * t.millis() / total));
            }
        }
        out.flush();
        return 0;
    }

    /** This command's arguments for a --memory child, less --memory and --compare-ort. */
    private java.util.List<String> childArguments() {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("bench", target, "--runs", Integer.toString(runs),
                "--warmup", Integer.toString(warmup)));
        if (session.threads != null) {
            args.add("--threads");
            args.add(session.threads.toString());
        }
        if (!session.backends.isEmpty()) {
            args.add("--backends");
            args.add(String.join(",", session.backends));
        }
        if (session.noOptimize) {
            args.add("--no-optimize");
        }
        return args;
    }

    private double kilnOpenMs;
    private double maxAbsDiff;
    private double maxAbsOrt;

    /**
     * The largest |kiln - ort| over every float output element both produced (NaN where shapes differ); notes the
     * largest |ort| too, so the difference can be read against the outputs' scale.
     */
    private double maxAbsDiff(Map<String, RuntimeValue> kiln, Map<String, dev.kiln.api.tensor.Tensor> ort) {
        double max = 0;
        for (Map.Entry<String, dev.kiln.api.tensor.Tensor> e : ort.entrySet()) {
            if (!(kiln.get(e.getKey()) instanceof dev.kiln.api.tensor.Tensor k) || !java.util.Arrays.equals(k.dims(), e.getValue().dims())) {
                return Double.NaN;
            }
            if (k.dtype().isFloatingPoint()) {
                for (int i = 0; i < k.elementCount(); i++) {
                    max = Math.max(max, Math.abs(k.getDouble(i) - e.getValue().getDouble(i)));
                    maxAbsOrt = Math.max(maxAbsOrt, Math.abs(e.getValue().getDouble(i)));
                }
            }
        }
        return max;
    }
    private double ortOpenMs;

    /** Notes Kiln's session-open time (since t0), then opens ONNX Runtime's session when comparing and times that too. */
    private OrtRunner openReference(Workload w, SessionOptions options, long t0) {
        long t1 = System.nanoTime();
        kilnOpenMs = (t1 - t0) / 1e6;
        if (!compareOrt) {
            return null;
        }
        OrtRunner r = new OrtRunner(w.modelBytes(), options.threads());
        ortOpenMs = (System.nanoTime() - t1) / 1e6;
        return r;
    }

    private void pause() {
        if (pauseMs > 0) {
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during --pause-ms", e);
            }
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }
}
