package dev.kiln.backend.cuda;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Models and inputs the CUDA tests share: a small MLP, and all-MiniLM-L6-v2 from its Maven artifact. */
final class CudaTestModels {
    private static final int VOCAB = 30522;

    private CudaTestModels() {
    }

    static Value tensor(String name, DType type, Object... dims) {
        return new Value(name, new ValueType.TensorType(type, Shape.symbolic(dims)));
    }

    static Model model(Graph g, int opset) {
        return Model.builder(g).opset("", opset).build();
    }

    static Tensor random(Random r, long... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, dims);
    }

    /** x[batch, 16] -> MatMul, Add, Relu, MatMul, Softmax -> y[batch, 4]. */
    static Model mlp() {
        Random r = new Random(3);
        Graph g = Graph.builder("mlp").input(tensor("x", DType.FLOAT, "batch", 16)).output(tensor("y", DType.FLOAT, "batch", 4))
                .initializer("w1", random(r, 16, 32)).initializer("b1", random(r, 32)).initializer("w2", random(r, 32, 4))
                .node(Node.builder("MatMul").name("mm1").inputs("x", "w1").output("h").build())
                .node(Node.builder("Add").name("add1").inputs("h", "b1").output("hb").build())
                .node(Node.builder("Relu").name("relu").input("hb").output("a").build())
                .node(Node.builder("MatMul").name("mm2").inputs("a", "w2").output("z").build())
                .node(Node.builder("Softmax").name("sm").input("z").output("y").attr("axis", -1L).build())
                .build();
        return model(g, 17);
    }

    static byte[] miniLm() {
        try (InputStream in = CudaTestModels.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            if (in == null) {
                throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** [CLS] random word pieces [SEP], every token attended, one segment. */
    static Map<String, Tensor> miniLmFeeds(int batch, int tokens, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[batch * tokens];
        long[] mask = new long[batch * tokens];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b * tokens + t] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + r.nextInt(VOCAB - 1000);
                mask[b * tokens + t] = 1;
            }
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("input_ids", Tensor.of(ids, batch, tokens));
        feeds.put("attention_mask", Tensor.of(mask, batch, tokens));
        feeds.put("token_type_ids", Tensor.of(new long[batch * tokens], batch, tokens));
        return feeds;
    }

    /** The largest |a - b| / max(1, |b|) over two tensors of one shape. */
    static double maxRelativeError(Tensor actual, Tensor expected) {
        if (!actual.shape().equals(expected.shape())) {
            throw new AssertionError("shape " + actual.describe() + " differs from " + expected.describe());
        }
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            double err = Double.isNaN(e) && Double.isNaN(a) ? 0 : Math.abs(a - e) / Math.max(1, Math.abs(e));
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
        }
        return worst;
    }
}
