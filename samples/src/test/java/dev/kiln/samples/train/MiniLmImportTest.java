package dev.kiln.samples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.ImportedGraph;
import dev.kiln.runtime.train.layers.MaskedMeanPooling;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.samples.text.SentenceEmbedder;
import dev.kiln.testing.OrtReference;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 imported for training gives the embeddings ONNX Runtime gives: 32 real messages,
 * tokenised with the model's WordPiece tokenizer, mean-pooled over the attention mask, within 1e-4 both
 * through the trainable network (imported graph + pooling layer, every weight frozen) and through an
 * inference session on the imported model.
 */
class MiniLmImportTest {
    private static final int SENTENCES = 32;
    private static final int TOKENS = 64;

    @Test
    void embeddingsOf32MessagesMatchOnnxRuntime() throws Exception {
        Model miniLm = MiniLmFineTune.loadMiniLm();
        Dataset data = SpamData.tokenize(SpamData.load("test").subList(0, SENTENCES), MiniLmFineTune.tokenizer(TOKENS));
        Map<String, Tensor> inputs = data.rows(MiniLmFineTune.INPUTS, MiniLmFineTune.identity(SENTENCES), 0, SENTENCES);
        byte[] bytes;
        try (InputStream in = MiniLmImportTest.class.getResourceAsStream(SentenceEmbedder.MINILM_MODEL)) {
            bytes = in.readAllBytes();
        }
        float[][] ort = SentenceEmbedder.meanPool(OrtReference.run(bytes, inputs).get("last_hidden_state"), inputs.get("attention_mask"));

        Network embed = Network.builder().input("input_ids", DType.INT64, TOKENS)
                .extraInput("attention_mask", DType.INT64, TOKENS).extraInput("token_type_ids", DType.INT64, TOKENS)
                .body(Sequential.of(ImportedGraph.of(miniLm), new MaskedMeanPooling("attention_mask")))
                .head("embedding", Sequential.of(), Losses.meanSquaredError(), 1.0, "target").build();
        Tensor viaNetwork;
        try (Trainer t = Trainer.builder(embed).batchSize(SENTENCES).build()) {
            viaNetwork = t.predict(inputs).get("embedding");
        }
        Tensor viaSession;
        try (Session s = Session.open(miniLm, SessionOptions.defaults())) {
            viaSession = MiniLmFineTune.pooled(s, data);
        }
        assertEquals(List.of((long) SENTENCES, 384L), List.of(viaNetwork.dim(0), viaNetwork.dim(1)));
        double network = 0;
        double session = 0;
        for (int i = 0; i < SENTENCES; i++) {
            for (int k = 0; k < 384; k++) {
                network = Math.max(network, Math.abs(ort[i][k] - viaNetwork.getDouble(i * 384 + k)));
                session = Math.max(session, Math.abs(ort[i][k] - viaSession.getDouble(i * 384 + k)));
            }
        }
        System.out.printf("MiniLM embeddings of %d messages vs ONNX Runtime: trainable network %.3g, session %.3g%n", SENTENCES, network, session);
        assertTrue(network <= 1e-4, "trainable-network embeddings differ from ORT by " + network);
        assertTrue(session <= 1e-4, "session embeddings differ from ORT by " + session);
    }
}
