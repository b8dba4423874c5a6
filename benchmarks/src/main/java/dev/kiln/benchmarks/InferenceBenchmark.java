package dev.kiln.benchmarks;

import dev.kiln.samples.bench.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The shape every inference benchmark shares (JMH inherits the benchmark method): the engine opened once per
 * trial on the subclass's {@link #workload}, one model run per operation, the outputs consumed. Defaults: one
 * fork, 3 warm-up and 5 measured iterations of 2 s; the command line overrides them ({@code -f -wi -i -w -r}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class InferenceBenchmark {
    @Param({InferenceEngine.KILN, InferenceEngine.ORT})
    public String engine;

    /** Kiln's backend threads and ORT's intra-op threads. */
    @Param("2")
    public int threads;

    private InferenceEngine session;

    /** The model and inputs, built from the subclass's parameters. */
    protected abstract Workload workload();

    @Setup(Level.Trial)
    public void open() {
        session = InferenceEngine.open(engine, workload(), threads);
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
    }

    @Benchmark
    public void infer(Blackhole out) {
        out.consume(session.run());
    }
}
