package dev.kiln.benchmarks;

import dev.kiln.samples.bench.Workload;
import dev.kiln.samples.bench.Workloads;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * all-MiniLM-L6-v2 inference, Kiln against ONNX Runtime: the ONNX file of the langchain4j Maven artifact on
 * seeded random token ids with every token attended ({@code kiln bench minilm:BxS}'s workload).
 */
@State(Scope.Benchmark)
public class MiniLmBenchmark extends InferenceBenchmark {
    /** Sentences x tokens. */
    @Param({"1x32", "8x128"})
    public String shape;

    @Override
    protected Workload workload() {
        return Workloads.find("minilm:" + shape);
    }
}
