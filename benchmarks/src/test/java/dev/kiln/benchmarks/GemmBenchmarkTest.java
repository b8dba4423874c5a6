package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Checks that both GEMM variants compute the product they time, and smoke-runs one benchmark through JMH's
 * runner (in-process, one short iteration: about a second) so a broken benchmark list or state fails the build.
 * The benchmarks themselves are not measured here.
 */
class GemmBenchmarkTest {
    @Test
    void bothImplementationsComputeTheProduct() {
        for (String impl : new String[] {GemmBenchmark.KILN, GemmBenchmark.OPENBLAS}) {
            GemmBenchmark g = new GemmBenchmark();
            g.impl = impl;
            g.shape = "32x384x1536";
            g.threads = 2;
            g.setUp();
            try {
                g.sgemm();
                float[] c = g.product();
                for (int i = 0; i < g.m; i += 7) {
                    for (int j = 0; j < g.n; j += 13) {
                        double expected = 0;
                        for (int p = 0; p < g.k; p++) {
                            expected += (double) g.a[i * g.k + p] * g.b[p * g.n + j];
                        }
                        assertEquals(expected, c[i * g.n + j], 1e-3, impl + " c[" + i + "," + j + "]");
                    }
                }
            } finally {
                g.tearDown();
            }
        }
    }

    @Test
    void jmhRunsTheSmallestGemm() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(GemmBenchmark.class.getName())
                .param("shape", "32x384x1536")
                .param("threads", "1")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertEquals(2, results.size(), "one result per impl");
        for (RunResult r : results) {
            assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getParam("impl") + " has no score");
        }
    }
}
