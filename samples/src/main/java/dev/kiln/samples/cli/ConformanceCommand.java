package dev.kiln.samples.cli;

import dev.kiln.samples.conformance.CaseResult;
import dev.kiln.samples.conformance.ConformanceRunner;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "conformance", description = "Run ONNX backend test cases and print PASS or FAIL for each, then 'N passed, M failed'.")
final class ConformanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A test-case folder (model.onnx, test_data_set_N/) or a folder of them.")
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

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
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
}
