package dev.kiln.samples.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.OrtReference;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SentenceEmbedderTest {
    private static final List<String> SENTENCES = List.of(
            "A man is playing a guitar.",
            "Someone strums an acoustic guitar on stage.",
            "The stock market fell sharply today.");

    @Test
    void meanPoolingSkipsPaddedTokens() {
        // batch 1, 3 tokens of width 2; the last token is padding and must not count.
        Tensor hidden = Tensor.of(new float[] {1, 2, 3, 4, 100, 100}, 1, 3, 2);
        Tensor mask = Tensor.of(new long[] {1, 1, 0}, 1, 3);
        assertArrayEquals(new float[] {2, 3}, SentenceEmbedder.meanPool(hidden, mask)[0]);
    }

    @Test
    void normalizeGivesUnitLengthAndLeavesZeroAlone() {
        assertArrayEquals(new float[] {0.6f, 0.8f}, SentenceEmbedder.normalize(new float[] {3, 4}), 1e-7f);
        assertArrayEquals(new float[] {0, 0}, SentenceEmbedder.normalize(new float[] {0, 0}));
        assertEquals(-1.0, SentenceEmbedder.cosine(new float[] {1, 2}, new float[] {-2, -4}), 1e-12);
    }

    /** The whole demo path on Kiln against the same model in ONNX Runtime, and a sanity check on meaning. */
    @Test
    void miniLmEmbeddingsMatchOnnxRuntimeAndMakeSense() throws Exception {
        float[][] kiln;
        WordPieceTokenizer tokenizer;
        try (SentenceEmbedder e = SentenceEmbedder.allMiniLmL6V2(SessionOptions.builder().build())) {
            kiln = e.embed(SENTENCES);
            tokenizer = e.tokenizer();
        }
        byte[] model;
        try (InputStream in = SentenceEmbedder.class.getResourceAsStream(SentenceEmbedder.MINILM_MODEL)) {
            model = in.readAllBytes();
        }
        TokenBatch batch = tokenizer.encodeBatch(SENTENCES);
        Map<String, Tensor> ort = OrtReference.run(model, Map.of("input_ids", batch.inputIds(),
                "attention_mask", batch.attentionMask(), "token_type_ids", batch.tokenTypeIds()));
        float[][] reference = SentenceEmbedder.meanPool(ort.get("last_hidden_state"), batch.attentionMask());
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertEquals(384, kiln[i].length);
            assertArrayEquals(SentenceEmbedder.normalize(reference[i]), kiln[i], 1e-4f, "sentence " + i);
        }
        double guitars = SentenceEmbedder.cosine(kiln[0], kiln[1]);
        double unrelated = SentenceEmbedder.cosine(kiln[0], kiln[2]);
        assertTrue(guitars > 0.5 && unrelated < 0.2 && guitars > unrelated + 0.4, "guitar pair " + guitars + ", unrelated " + unrelated);
    }
}
