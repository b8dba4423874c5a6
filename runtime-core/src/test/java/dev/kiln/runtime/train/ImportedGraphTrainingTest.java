package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.format.ModelReader;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.GradientNames;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.ImportedGraph;
import dev.kiln.runtime.train.layers.MaskedMeanPooling;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.testing.OrtReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 imported and made trainable: with its last transformer layer unfrozen and a pooling +
 * Dense head, one optimizer step changes every trainable tensor (so each got a finite, non-zero gradient
 * somewhere), frozen initializers get no gradient and stay constants, and the exported encoder + head
 * runs in ONNX Runtime within 1e-4 of Kiln.
 */
class ImportedGraphTrainingTest {
    private static final int TOKENS = 12;
    private static final int ROWS = 6;
    private static Model miniLm;

    @BeforeAll
    static void load() throws IOException {
        Assumptions.assumeTrue(ModelFormats.readers().stream().map(ModelReader::format).anyMatch("onnx"::equalsIgnoreCase),
                "no ONNX model reader on the class path");
        try (InputStream in = ImportedGraphTrainingTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx not on the test class path");
            miniLm = ModelFormats.reader("onnx").read(in.readAllBytes(), ModelLoadOptions.defaults());
        }
    }

    static Network classifier(ImportedGraph encoder, int tokens) {
        return Network.builder().input("input_ids", DType.INT64, tokens)
                .extraInput("attention_mask", DType.INT64, tokens).extraInput("token_type_ids", DType.INT64, tokens)
                .body(Sequential.of(encoder, new MaskedMeanPooling("attention_mask")))
                .head("logits", new Dense(2), Losses.softmaxCrossEntropy(), 1.0, "label").build();
    }

    @Test
    void oneStepReachesEveryTrainableWeightAndNoFrozenOne() {
        ImportedGraph encoder = ImportedGraph.of(miniLm).trainable("*layer.5*");
        List<String> selected = encoder.trainableInitializers();
        // layer 5: Q, K, V, attention output, intermediate, output (weight + bias each) and two LayerNorms.
        assertEquals(16, selected.size(), "selected: " + selected);
        assertTrue(selected.stream().anyMatch(n -> n.startsWith("onnx::MatMul")), "anonymous MatMul weights are selected by their reader");
        Dataset data = data(ROWS, new Random(5));
        try (Trainer trainer = Trainer.builder(classifier(encoder, TOKENS)).optimizer(Optimizer.adamW(1e-3, 0.0)).batchSize(ROWS).seed(3).build()) {
            List<String> expected = new ArrayList<>(selected);
            expected.addAll(List.of("dense_0.weight", "dense_0.bias"));
            assertEquals(new HashSet<>(expected), new HashSet<>(trainer.trainable()));
            Graph step = trainer.trainingModel().graph();
            Set<String> values = definedValues(step);
            for (String frozen : miniLm.graph().initializers().keySet()) {
                if (!selected.contains(frozen)) {
                    assertFalse(values.contains(GradientNames.of(frozen)), "frozen '" + frozen + "' got a gradient");
                    assertTrue(step.initializers().containsKey(frozen), "frozen '" + frozen + "' is a constant of the step");
                }
            }
            Map<String, Tensor> before = Map.copyOf(trainer.parameters().all());
            trainer.fit(data, null, 1);
            assertEquals(1, trainer.step());
            for (String p : trainer.trainable()) {
                float[] a = before.get(p).floatData();
                float[] b = trainer.parameters().get(p).floatData();
                boolean moved = false;
                for (int i = 0; i < a.length; i++) {
                    assertTrue(Float.isFinite(b[i]), p + "[" + i + "] is " + b[i]);
                    moved |= a[i] != b[i];
                }
                assertTrue(moved, "no gradient reached '" + p + "'");
            }

            Model exported = trainer.exportModel(Map.of("kiln.base_model", "all-MiniLM-L6-v2"));
            Map<String, Tensor> inputs = data.rows(List.of("input_ids", "attention_mask", "token_type_ids"), identity(ROWS), 0, ROWS);
            Tensor kiln = trainer.predict(inputs).get("logits");
            Tensor ort = OrtReference.run(OnnxExport.toBytes(exported), inputs).get("logits");
            double worst = 0;
            for (int i = 0; i < kiln.size(); i++) {
                worst = Math.max(worst, Math.abs(kiln.getDouble(i) - ort.getDouble(i)));
            }
            System.out.printf("MiniLM fine-tune step: %d trainable tensors moved; exported logits vs ONNX Runtime: %.3g%n",
                    trainer.trainable().size(), worst);
            assertTrue(worst <= 1e-4, "exported model differs from Kiln by " + worst);
            miniLm.graph().initializers().forEach((name, t) -> {
                Tensor out = exported.graph().initializers().get(name);
                assertNotNull(out, "exported model lacks '" + name + "'");
                if (!selected.contains(name)) {
                    assertTrue(java.util.Arrays.equals(t.toDoubleArray(), out.toDoubleArray()), "frozen '" + name + "' changed");
                }
            });
        }
    }

    @Test
    void anUndeclaredImportedInputIsNamed() {
        Network net = Network.builder().input("input_ids", DType.INT64, TOKENS)
                .body(ImportedGraph.of(miniLm)).head("out", Sequential.of(), Losses.meanSquaredError(), 1.0, "label").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.builder(net).build());
        assertTrue(e.getMessage().contains("attention_mask"), e.getMessage());
    }

    private static Set<String> definedValues(Graph g) {
        Set<String> s = new HashSet<>(g.initializers().keySet());
        g.nodes().forEach(n -> s.addAll(n.outputs()));
        return s;
    }

    /** [CLS] random pieces [SEP] then padding; rows alternate in label and length. */
    static Dataset data(int rows, Random r) {
        long[] ids = new long[rows * TOKENS];
        long[] mask = new long[rows * TOKENS];
        int[] labels = new int[rows];
        for (int n = 0; n < rows; n++) {
            int len = TOKENS - (n % 3) * 2;
            for (int t = 0; t < len; t++) {
                ids[n * TOKENS + t] = t == 0 ? 101 : t == len - 1 ? 102 : 1000 + r.nextInt(20000);
                mask[n * TOKENS + t] = 1;
            }
            labels[n] = n % 2;
        }
        return Dataset.of(Map.of("input_ids", Tensor.of(ids, rows, TOKENS), "attention_mask", Tensor.of(mask, rows, TOKENS),
                "token_type_ids", Tensor.zeros(DType.INT64, rows, TOKENS), "label", Dataset.oneHot(labels, 2)));
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
