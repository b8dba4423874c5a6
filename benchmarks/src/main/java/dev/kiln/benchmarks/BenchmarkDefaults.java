package dev.kiln.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every benchmark here shares (JMH reads these annotations and the parameter from the superclass): one
 * benchmark-wide state per trial, average time per operation in milliseconds, one fork, 3 warm-up and 5 measured
 * iterations of 2 s, and the {@code threads} parameter. A subclass may annotate its own; the command line
 * overrides them all ({@code -bm -f -wi -i -w -r -p threads=N}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class BenchmarkDefaults {
    /** Kiln's backend threads, and the other side's: ONNX Runtime's intra-op threads, or OpenBLAS's own threads. */
    @Param("2")
    public int threads;
}
