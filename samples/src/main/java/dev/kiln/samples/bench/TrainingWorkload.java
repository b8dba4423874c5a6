package dev.kiln.samples.bench;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training-step benchmark: a float32 forward graph ending in a scalar loss "loss", one batch of data,
 * and the forward pass's floating-point operations (2 per multiply-add of every MatMul and Gemm), from
 * which the step's work is taken as 3x forward (forward, then the two products of each backward GEMM).
 * Built-in targets: {@code train-mlp:B} (784-1024-1024-10 ReLU MLP, softmax cross-entropy, B rows) and
 * {@code train-minilm:BxS} (all-MiniLM-L6-v2, mean square of the last hidden state, B sentences of S tokens).
 *
 * @param name         what the report calls it
 * @param forward      the forward graph with the loss (weights as initializers)
 * @param data         the batch by graph input name
 * @param forwardFlops floating-point operations of one forward pass
 */
public record TrainingWorkload(String name, Graph forward, Map<String, Tensor> data, double forwardFlops) {
    private static final Pattern MLP = Pattern.compile("train-mlp:(\\d+)");
    private static final Pattern MINILM = Pattern.compile("train-minilm:(\\d+)x(\\d+)");
    private static final long[] MLP_WIDTHS = {784, 1024, 1024, 10};

    static boolean isTrainingTarget(String target) {
        return target.startsWith("train-");
    }

    public static TrainingWorkload find(String target) {
        Matcher m = MLP.matcher(target);
        if (m.matches()) {
            return mlp(Integer.parseInt(m.group(1)));
        }
        m = MINILM.matcher(target);
        if (m.matches()) {
            return miniLm(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        throw new IllegalArgumentException("unknown training benchmark '" + target + "': expected train-mlp:B or train-minilm:BxS (e.g. train-minilm:8x128)");
    }

    static TrainingWorkload mlp(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("train-mlp needs a batch of at least 1, got " + batch);
        }
        Random random = new Random(7);
        Graph.Builder g = Graph.builder("mlp_train");
        g.input("x", ValueType.tensor(DType.FLOAT, Shape.of(batch, MLP_WIDTHS[0])));
        g.input("label", ValueType.tensor(DType.INT64, Shape.of(batch)));
        String h = "x";
        double flops = 0;
        for (int l = 0; l + 1 < MLP_WIDTHS.length; l++) {
            long in = MLP_WIDTHS[l];
            long out = MLP_WIDTHS[l + 1];
            float[] w = new float[(int) (in * out)];
            float scale = (float) Math.sqrt(2.0 / in);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian() * scale;
            }
            g.initializer("w" + l, Tensor.of(w, in, out)).initializer("b" + l, Tensor.zeros(DType.FLOAT, out));
            String y = "z" + l;
            g.node(Node.builder("Gemm").name("dense" + l).inputs(h, "w" + l, "b" + l).output(y).build());
            flops += 2.0 * batch * in * out;
            if (l + 2 < MLP_WIDTHS.length) {
                g.node(Node.builder("Relu").name("relu" + l).input(y).output("a" + l).build());
                y = "a" + l;
            }
            h = y;
        }
        g.node(Node.builder("SoftmaxCrossEntropyLoss").name("xent").inputs(h, "label").output("loss").build());
        float[] x = new float[(int) (batch * MLP_WIDTHS[0])];
        long[] labels = new long[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt((int) MLP_WIDTHS[MLP_WIDTHS.length - 1]);
        }
        Map<String, Tensor> data = new LinkedHashMap<>();
        data.put("x", Tensor.of(x, batch, MLP_WIDTHS[0]));
        data.put("label", Tensor.of(labels, batch));
        return new TrainingWorkload("train-mlp " + batch + " (784-1024-1024-10)", g.build(), data, flops);
    }

    static TrainingWorkload miniLm(int batch, int tokens) {
        Workload inference = Workloads.miniLm(batch, tokens);
        Graph model = ModelFormats.reader("onnx").read(inference.modelBytes(), ModelLoadOptions.defaults()).graph();
        String hidden = model.outputs().get(0).name();
        // The batch is fixed, so the inputs are declared with it: every shape is then static and autodiff
        // sums broadcast gradients over axes known when the graph is built, not found at run time.
        Graph.Builder g = model.toBuilder().clearInputs().clearOutputs().clearValueInfo();
        for (Value in : model.inputs()) {
            g.input(in.name(), ValueType.tensor(DType.INT64, Shape.of(batch, tokens)));
        }
        g.node(Node.builder("Mul").name("loss_square").inputs(hidden, hidden).output("loss_sq").build())
                .node(Node.builder("ReduceMean").name("loss_mean").input("loss_sq").output("loss").attr("keepdims", 0L).build());
        return new TrainingWorkload("train-minilm " + batch + "x" + tokens, g.build(), inference.feeds(),
                forwardFlops(model, batch, tokens));
    }

    /**
     * MatMul/Gemm FLOPs of a transformer encoder: 2 * tokens * k * n for each product with a [k, n] weight,
     * and 2 * batch * S * S * width for each product of two activations (the attention scores and their
     * application to V), width being the model width (the last dim of the first weight product).
     */
    static double forwardFlops(Graph g, int batch, int seq) {
        double flops = 0;
        long width = 0;
        int activationProducts = 0;
        for (Node n : g.nodes()) {
            if (!n.opType().equals("MatMul") && !n.opType().equals("Gemm")) {
                continue;
            }
            Tensor w = g.initializers().get(n.input(1));
            if (w != null && w.rank() == 2) {
                flops += 2.0 * batch * seq * w.dim(0) * w.dim(1);
                width = width == 0 ? w.dim(0) : width;
            } else if (w == null) {
                activationProducts++;
            }
        }
        return flops + activationProducts * 2.0 * batch * seq * seq * width;
    }
}
