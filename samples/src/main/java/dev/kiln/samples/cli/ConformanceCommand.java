package dev.kiln.samples.cli;

import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.conformance.BackendConformance;
import dev.kiln.runtime.conformance.ConformanceReport;
import dev.kiln.runtime.conformance.Tolerance;
import dev.kiln.samples.conformance.CaseResult;
import dev.kiln.samples.conformance.ConformanceRunner;
import dev.kiln.samples.conformance.KitSuiteReader;
import dev.kiln.samples.conformance.OutputComparator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "conformance", description = {"Run ONNX backend test cases and print PASS or FAIL for each, then 'N passed, M failed'.",
        "With --kit: run the backend conformance kit for one --backend against the CPU backend (and the node-suite folder, when given)."})
final class ConformanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "A test-case folder (model.onnx, test_data_set_N/) or a folder of them; with --kit, optionally the node-suite folder.")
    List<Path> paths;

    @Option(names = "--rtol", paramLabel = "R", defaultValue = "1e-3", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", paramLabel = "A", defaultValue = "1e-7", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20", description = "Time limit per case (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--round-trip", description = "Export each model to ONNX and read it back before running it.")
    boolean roundTrip;

    @Option(names = "--write-passing", paramLabel = "FILE", description = "Write the names of the passing cases to FILE, one a line.")
    Path passingFile;

    @Option(names = "--kit", description = "Run the backend conformance kit on the one backend given with --backend.")
    boolean kit;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
        if (kit) {
            return runKit();
        }
        if (paths == null || paths.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one test-case folder (or --kit --backend ID)");
        }
        List<Path> cases = ConformanceRunner.findCases(paths);
        PrintWriter w = spec.commandLine().getOut();
        List<CaseResult> results;
        try (ConformanceRunner runner = ConformanceRunner.builder()
                .comparator(new OutputComparator(rtol, atol))
                .sessionOptions(session.toOptions())
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .modelTransform(roundTrip ? ConformanceRunner.onnxRoundTrip() : UnaryOperator.identity())
                .build()) {
            results = runner.run(cases, r -> {
                w.println(r.line());
                w.flush();
            });
        }
        long passed = results.stream().filter(CaseResult::passed).count();
        w.println(passed + " passed, " + (results.size() - passed) + " failed");
        w.flush();
        if (passingFile != null) {
            List<String> names = results.stream().filter(CaseResult::passed).map(CaseResult::name).sorted().toList();
            Files.write(passingFile, names);
        }
        return passed == results.size() ? 0 : 1;
    }

    private int runKit() {
        if (session.backends.size() != 1) {
            throw new ParameterException(spec.commandLine(), "--kit tests one backend: give it with --backend ID (got " + session.backends + ")");
        }
        BackendConformance.Builder b = BackendConformance.builder().registry(BackendRegistry.defaultRegistry()).candidate(session.backends.get(0));
        if (paths != null && !paths.isEmpty()) {
            b.nodeSuite(paths.get(0), new KitSuiteReader(), new Tolerance(rtol, Math.max(atol, 1e-5)));
        }
        ConformanceReport report = b.build().run();
        PrintWriter w = spec.commandLine().getOut();
        w.print(report.format());
        w.flush();
        return report.passed() ? 0 : 1;
    }
}
