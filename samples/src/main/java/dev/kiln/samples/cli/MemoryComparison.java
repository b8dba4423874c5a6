package dev.kiln.samples.cli;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.samples.bench.PeakMemory;
import dev.kiln.samples.bench.Timings;
import dev.kiln.samples.bench.Workload;
import dev.kiln.testing.OrtRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kiln bench --memory}: each engine runs in a child JVM of its own (in one JVM they would share the
 * heap and the high-water mark), started with this JVM's options and class path. A child opens its
 * session, warms up, restarts the kernel's peak-RSS counter, does the timed runs and prints
 * {@code peak_rss_mb=}: the most resident memory the process held during inference, JVM heap included,
 * and {@code cpu_median_ms=}: the process's CPU time per run (with one thread, a figure that a loaded
 * machine distorts far less than wall time).
 */
final class MemoryComparison {
    private static final String PEAK = "peak_rss_mb=";
    private final PrintWriter out;
    private final List<String> benchArgs;

    MemoryComparison(PrintWriter out, List<String> benchArgs) {
        this.out = out;
        this.benchArgs = benchArgs;
    }

    int run() {
        Map<String, Double> peaks = new LinkedHashMap<>();
        for (String engine : List.of("kiln", "ort")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KilnCommand.class.getName()));
            cmd.addAll(benchArgs);
            cmd.addAll(List.of("--engine", engine));
            String line = runChild(cmd, engine);
            int at = line.indexOf(PEAK);
            if (at < 0) {
                throw new IllegalStateException("the " + engine + " child printed no " + PEAK + " line: " + line);
            }
            peaks.put(engine, Double.parseDouble(line.substring(at + PEAK.length()).split("\\s+")[0]));
        }
        out.println(String.format(Locale.ROOT, "peak_rss ratio=%.3f (kiln / ort)", peaks.get("kiln") / peaks.get("ort")));
        out.flush();
        return 0;
    }

    /** Runs one child, echoing its output; returns its last line. */
    private String runChild(List<String> cmd, String engine) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String last = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.println(line);
                    last = line.contains(PEAK) ? line : last;
                }
            }
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the " + engine + " child exited with status " + rc);
            }
            return last;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the " + engine + " child: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the " + engine + " child ran", e);
        }
    }

    /** The child side: one engine, timed runs, then one line with its timings and memory. */
    static int child(PrintWriter out, String engine, Workload w, SessionOptions options, int warmup, int runs) {
        if (!engine.equals("kiln") && !engine.equals("ort")) {
            throw new IllegalArgumentException("--engine: expected kiln or ort, got '" + engine + "'");
        }
        double[] times = new double[runs];
        double[] cpu = new double[runs];
        long t0 = System.nanoTime();
        double openMs;
        double before;
        boolean reset;
        if (engine.equals("kiln")) {
            Map<String, RuntimeValue> feeds = new LinkedHashMap<>(w.feeds());
            try (Session s = Session.open(w.modelBytes(), options)) {
                openMs = (System.nanoTime() - t0) / 1e6;
                for (int i = 0; i < warmup; i++) {
                    s.run(feeds);
                }
                before = mb(PeakMemory.resident().orElse(0L));
                reset = PeakMemory.resetPeak();
                for (int i = 0; i < runs; i++) {
                    long c = cpuNanos();
                    long t = System.nanoTime();
                    s.run(feeds);
                    times[i] = (System.nanoTime() - t) / 1e6;
                    cpu[i] = (cpuNanos() - c) / 1e6;
                }
            }
        } else {
            try (OrtRunner r = new OrtRunner(w.modelBytes(), options.threads())) {
                openMs = (System.nanoTime() - t0) / 1e6;
                for (int i = 0; i < warmup; i++) {
                    r.run(w.feeds());
                }
                before = mb(PeakMemory.resident().orElse(0L));
                reset = PeakMemory.resetPeak();
                for (int i = 0; i < runs; i++) {
                    long c = cpuNanos();
                    long t = System.nanoTime();
                    r.run(w.feeds());
                    times[i] = (System.nanoTime() - t) / 1e6;
                    cpu[i] = (cpuNanos() - c) / 1e6;
                }
            }
        }
        double peak = mb(PeakMemory.peak().orElse(0L));
        out.println(String.format(Locale.ROOT, "%-4s open_ms=%.0f median_ms=%.3f cpu_median_ms=%.3f rss_before_runs_mb=%.1f %s%.1f%s", engine,
                openMs, Timings.median(times), Timings.median(cpu), before, PEAK, peak, reset ? "" : " (peak since start: this kernel cannot reset it)"));
        out.flush();
        return 0;
    }

    /** CPU time of the whole process (all its threads), which a loaded machine inflates far less than wall time. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
