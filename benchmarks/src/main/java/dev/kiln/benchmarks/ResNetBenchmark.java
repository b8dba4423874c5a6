package dev.kiln.benchmarks;

import dev.kiln.samples.bench.Workload;
import dev.kiln.samples.bench.Workloads;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * ResNet-style CNN inference, Kiln against ONNX Runtime: the samples' ResNet-18 (seeded random weights,
 * Conv + BatchNormalization as exported) on seeded random 3 x 224 x 224 images
 * ({@code kiln bench resnet18:B}'s workload).
 */
@State(Scope.Benchmark)
public class ResNetBenchmark extends InferenceBenchmark {
    /** Images per run. */
    @Param("1")
    public int batch;

    @Override
    protected Workload workload() {
        return Workloads.resNet18(batch);
    }
}
