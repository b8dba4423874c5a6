package dev.kiln.samples.cli;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.runtime.session.Session;
import dev.kiln.samples.conformance.ConformanceRunner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Time a test case's model on its first data set: prints median_ms=<x> p90_ms=<y>.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CASE_DIR", description = "A folder with model.onnx and test_data_set_0/.")
    Path caseDir;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "20", description = "Timed runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() {
        if (runs < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1 and --warmup at least 0");
        }
        CliFiles.requireFolder(caseDir, "test case folder");
        OnnxTestCase testCase = OnnxTestCaseReader.read(caseDir);
        if (testCase.dataSets().isEmpty()) {
            throw new IllegalArgumentException("test case " + caseDir + " has no test_data_set_N folder");
        }
        Map<String, RuntimeValue> feeds = ConformanceRunner.feeds(testCase.model(), testCase.dataSets().get(0).inputs());
        double[] ms = new double[runs];
        try (Session s = Session.open(testCase.model(), session.toOptions())) {
            for (int i = 0; i < warmup; i++) {
                s.run(feeds);
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.run(feeds);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "median_ms=%.3f p90_ms=%.3f", median(ms), p90(ms)));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The nearest-rank 90th percentile: the smallest value at least 90% of the runs do not exceed. */
    static double p90(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(0.9 * s.length) - 1];
    }
}
