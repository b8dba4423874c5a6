package dev.kiln.benchmarks;

import dev.kiln.samples.bench.TrainingStep;
import dev.kiln.samples.bench.TrainingWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step of a 784-1024-1024-10 ReLU MLP with softmax cross-entropy (forward, autodiff backward and
 * AdamW in one Kiln session; {@code kiln bench train-mlp:B}'s workload). Kiln only: ONNX Runtime's Java API has
 * no training. Each operation feeds the weights and moments the previous one produced, as a trainer does.
 */
@State(Scope.Benchmark)
public class TrainingStepBenchmark extends BenchmarkDefaults {
    /** Rows per step. */
    @Param("256")
    public int batch;

    private TrainingWorkload workload;
    private TrainingStep step;

    @Setup(Level.Trial)
    public void open() {
        workload = TrainingWorkload.find("train-mlp:" + batch);
        step = new TrainingStep(workload.forward(), "loss", InferenceEngine.kilnOptions(threads));
    }

    @TearDown(Level.Trial)
    public void close() {
        step.close();
    }

    /** Returns the loss before the update, which JMH consumes. */
    @Benchmark
    public double step() {
        return step.run(workload.data());
    }
}
