package dev.kiln.samples.cli;

import dev.kiln.samples.conformance.ConformanceRunner;
import dev.kiln.samples.fuzz.FuzzReport;
import dev.kiln.samples.fuzz.FuzzResult;
import dev.kiln.samples.fuzz.Fuzzer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "fuzz", description = {"Load and run mutated variants of ONNX test-case models in child JVMs, each under a time limit.",
        "Allowed outcomes: success or a typed Kiln exception; crashes, hangs, out-of-memory and other exceptions are reported",
        "with a reproducer folder. Exits 1 when any case ended in a forbidden outcome."})
final class FuzzCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A test-case folder (model.onnx, test_data_set_N/) or a folder of them.")
    List<Path> paths;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "1000", description = "Mutated models to try (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed; the same seed gives the same cases (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", paramLabel = "INDEX", defaultValue = "-1", description = "Run only case INDEX of the seed (to reproduce it).")
    int only;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Time limit per case, e.g. 10s or 500ms (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Child JVMs run in parallel (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "1g", description = "Each child JVM's -Xmx (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/fuzz", description = "Reproducers and work files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quiet", description = "Print only forbidden outcomes and the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<Path> cases = ConformanceRunner.findCases(paths);
        PrintWriter w = spec.commandLine().getOut();
        Fuzzer fuzzer = Fuzzer.builder().cases(cases).seed(seed).count(count).only(only).timeout(parseDuration(timeout))
                .workers(workers).heap(heap).outDir(out).build();
        FuzzReport report = fuzzer.run(r -> {
            if (!quiet || !r.outcome().allowed()) {
                w.println(line(r));
                w.flush();
            }
        });
        w.print(report.summary());
        if (!report.forbidden().isEmpty()) {
            w.println("reproducers in " + out.resolve("repro").toAbsolutePath().normalize());
        }
        Files.writeString(out.resolve("fuzz-summary.txt"), "seed " + seed + "\n" + report.summary());
        w.flush();
        return report.forbidden().isEmpty() ? 0 : 1;
    }

    private static String line(FuzzResult r) {
        return "#" + r.index() + " " + r.outcome() + " " + r.source() + " " + r.mutations() + (r.synthesized() ? " synth" : "") + (r.inputSeed() != 0 ? " extreme-input" : "")
                + " (" + r.millis() + " ms): " + r.detail();
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 10s, 500ms, 2m)", e);
        }
    }
}
