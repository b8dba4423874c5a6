package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.BatchNorm;
import dev.kiln.runtime.train.layers.Conv2d;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Dropout;
import dev.kiln.runtime.train.layers.Embedding;
import dev.kiln.runtime.train.layers.Flatten;
import dev.kiln.runtime.train.layers.LayerNorm;
import dev.kiln.runtime.train.layers.AvgPool2d;
import dev.kiln.runtime.train.layers.MaxPool2d;
import dev.kiln.runtime.train.layers.Rng;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exported models run in ONNX Runtime and agree with Kiln's own predictions within 1e-5. */
class OnnxExportTest {
    @Test
    void trainedMlpWithBatchNormDropoutAndLayerNormMatchesOrt() {
        Network net = Network.of("x", new long[] {3}, Sequential.of(new Dense(16, Activation.LINEAR), new BatchNorm(), Activation.RELU,
                new Dropout(0.2), new Dense(8, Activation.TANH), new LayerNorm(), new Dense(2, Activation.SOFTMAX)),
                Losses.categoricalCrossEntropy());
        try (Trainer t = Trainer.builder(net).optimizer(Optimizer.adamW(0.01, 0.01)).batchSize(16).seed(3).build()) {
            t.fit(Blobs.make(128, 8), null, 3);
            Model exported = t.exportModel(Map.of("kiln.test", "yes"));
            List<String> ops = exported.graph().nodes().stream().map(Node::opType).toList();
            assertTrue(ops.contains("BatchNormalization") && ops.contains("LayerNormalization"), ops.toString());
            assertTrue(!ops.contains("Dropout") && exported.graph().nodes().stream().allMatch(n -> n.domain().isEmpty()), ops.toString());
            assertEquals("3", exported.metadata().get("kiln.epochs"));
            assertEquals("yes", exported.metadata().get("kiln.test"));
            assertEquals(1, exported.graph().inputs().size());
            assertMatchesOrt(t, exported, Blobs.make(50, 9).column("x"));
        }
    }

    @Test
    void trainedConvolutionalNetworkMatchesOrt() {
        Network net = Network.of("image", new long[] {1, 8, 8}, Sequential.of(new Conv2d(4, 3, Activation.RELU), new MaxPool2d(2),
                new BatchNorm(), new Conv2d(6, 3, 1, false, Activation.RELU), new AvgPool2d(2), new Flatten(), new Dense(3, Activation.SOFTMAX)),
                Losses.categoricalCrossEntropy());
        try (Trainer t = Trainer.builder(net).seed(4).batchSize(8).build()) {
            Rng rng = new Rng(1);
            float[] x = new float[5 * 64];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            Tensor images = Tensor.of(x, 5, 1, 8, 8);
            t.fit(Dataset.of(Map.of("image", images, "label", Dataset.oneHot(new int[] {0, 1, 2, 0, 1}, 3))), null, 2);
            assertEquals(2, t.step());
            assertMatchesOrt(t, t.exportModel(Map.of()), images);
        }
    }

    @Test
    void embeddingTrainsThroughOneHotAndExportsAsGather() {
        Network net = Network.builder().input("ids", DType.INT64, 4).body(Sequential.of(new Embedding(10, 3), new Flatten()))
                .head("output", new Dense(2, Activation.LINEAR), Losses.softmaxCrossEntropy(), 1.0, "label").build();
        Rng rng = new Rng(2);
        long[] ids = new long[64 * 4];
        int[] labels = new int[64];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 4; j++) {
                ids[i * 4 + j] = rng.nextInt(10);
            }
            labels[i] = ids[i * 4] < 5 ? 0 : 1;
        }
        Dataset data = Dataset.of(Map.of("ids", Tensor.of(ids, 64, 4), "label", Dataset.oneHot(labels, 2)));
        try (Trainer t = Trainer.builder(net).optimizer(Optimizer.adam(0.05)).batchSize(16).seed(5).build()) {
            t.fit(data, null, 30);
            assertTrue(t.evaluate(data).firstAccuracy() > 0.95, "accuracy " + t.evaluate(data).firstAccuracy());
            Model exported = t.exportModel(Map.of());
            assertTrue(exported.graph().nodes().stream().anyMatch(n -> n.opType().equals("Gather")));
            assertMatchesOrt(t, exported, data.column("ids"));
        }
    }

    static void assertMatchesOrt(Trainer t, Model exported, Tensor input) {
        Map<String, Tensor> kiln = t.predict(input);
        Map<String, Tensor> ort = OrtReference.run(OnnxExport.toBytes(exported), Map.of(t.network().input(), input));
        assertEquals(kiln.keySet(), ort.keySet());
        kiln.forEach((name, v) -> TensorAssert.assertClose(ort.get(name), v, 0, 1e-5));
    }
}
