package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.conformance.BackendConformance;
import dev.kiln.runtime.conformance.ConformanceAssertions;
import dev.kiln.runtime.conformance.ConformanceReport;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingListener;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Conv2d;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Flatten;
import dev.kiln.runtime.train.layers.LayerNorm;
import dev.kiln.runtime.train.layers.MaxPool2d;
import dev.kiln.runtime.train.layers.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole models on the GPU against the CPU: all-MiniLM-L6-v2 at 8x128 within 1e-3, 20 training steps of an
 * MLP (AdamW) and a small CNN (Adam) following the CPU loss curve within 1e-3, and the backend conformance
 * kit. Needs a GPU (tag gpu).
 */
@Tag("gpu")
class CudaModelsGpuTest {
    @BeforeAll
    static void gpu() {
        CudaGpuHarness.assumeGpu();
    }

    @ParameterizedTest(name = "optimize {0}")
    @ValueSource(booleans = {true, false})
    void miniLmMatchesTheCpuWithin1e3(boolean optimize) {
        byte[] model = CudaTestModels.miniLm();
        Map<String, Tensor> feeds = CudaTestModels.miniLmFeeds(8, 128, 42);
        Map<String, RuntimeValue> cpu;
        try (Session s = Session.open(model, SessionOptions.builder().optimize(optimize).backends("cpu").build())) {
            cpu = s.run(feeds);
        }
        try (Session s = Session.open(model, SessionOptions.builder().optimize(optimize).backends("cuda", "cpu").build())) {
            Map<String, RuntimeValue> gpu = s.run(feeds);
            System.out.println("MiniLM on cuda (optimize " + optimize + "): " + s.backendSummary());
            for (var e : cpu.entrySet()) {
                double err = CudaTestModels.maxRelativeError((Tensor) gpu.get(e.getKey()), (Tensor) e.getValue());
                System.out.printf("  output '%s': max relative error %.3g%n", e.getKey(), err);
                assertTrue(err <= 1e-3, "output '" + e.getKey() + "': " + err);
            }
        }
    }

    @Test
    void twentyAdamWStepsOfAnMlpFollowTheCpuLossCurve() {
        Network net = Network.of("x", new long[] {32}, Sequential.of(new Dense(64, Activation.GELU), new LayerNorm(),
                new Dense(64, Activation.TANH), new Dense(4, Activation.SOFTMAX)), Losses.categoricalCrossEntropy());
        compareLossCurves(net, Optimizer.adamW(1e-3, 0.01), data(new Random(1), 320, 32));
    }

    @Test
    void twentyAdamStepsOfACnnFollowTheCpuLossCurve() {
        Network net = Network.of("x", new long[] {1, 12, 12}, Sequential.of(new Conv2d(8, 3, Activation.RELU), new MaxPool2d(2),
                new Flatten(), new Dense(4, Activation.SOFTMAX)), Losses.categoricalCrossEntropy());
        compareLossCurves(net, Optimizer.adam(1e-3), data(new Random(2), 320, 1, 12, 12));
    }

    private static Dataset data(Random r, int n, long... sample) {
        long[] dims = new long[sample.length + 1];
        dims[0] = n;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(4);
        }
        return Dataset.of(Map.of("x", CudaTestModels.random(r, dims), "label", Dataset.oneHot(labels, 4)));
    }

    private static void compareLossCurves(Network net, Optimizer optimizer, Dataset data) {
        List<Double> cpu = losses(net, optimizer, data, SessionOptions.builder().backends("cpu").build());
        List<Double> gpu = losses(net, optimizer, data, SessionOptions.builder().backends("cuda", "cpu").build());
        assertEquals(20, cpu.size());
        assertEquals(cpu.size(), gpu.size());
        for (int i = 0; i < cpu.size(); i++) {
            System.out.printf("step %2d: cpu %.6f cuda %.6f%n", i + 1, cpu.get(i), gpu.get(i));
            assertEquals(cpu.get(i), gpu.get(i), 1e-3, "loss at step " + (i + 1));
        }
    }

    /** The loss of each of 20 steps (one epoch of 20 batches of 16). */
    private static List<Double> losses(Network net, Optimizer optimizer, Dataset data, SessionOptions options) {
        List<Double> out = new ArrayList<>();
        try (Trainer t = Trainer.builder(net).optimizer(optimizer).batchSize(16).seed(11).sessionOptions(options)
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(Trainer trainer, BatchResult batch) {
                        out.add(batch.loss());
                    }
                }).build()) {
            t.fit(data, null, 1);
        }
        return out;
    }

    @Test
    void passesTheBackendConformanceKit() {
        ConformanceReport r = BackendConformance.builder().registry(BackendRegistry.defaultRegistry()).candidate("cuda").build().run();
        System.out.print(r.format());
        ConformanceAssertions.assertConforms(r);
    }
}
