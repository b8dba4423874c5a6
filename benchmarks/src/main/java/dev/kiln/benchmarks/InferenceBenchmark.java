package dev.kiln.benchmarks;

import dev.kiln.samples.bench.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The shape every inference benchmark shares (JMH inherits the benchmark method): the engine opened once per
 * trial on the subclass's {@link #workload}, one model run per operation, the outputs consumed.
 */
public abstract class InferenceBenchmark extends BenchmarkDefaults {
    @Param({InferenceEngine.KILN, InferenceEngine.ORT})
    public String engine;

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
