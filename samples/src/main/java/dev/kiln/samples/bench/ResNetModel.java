package dev.kiln.samples.bench;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.Random;

/**
 * A ResNet-18 image classifier built in code with seeded random weights, shaped the way PyTorch's ONNX export
 * writes torchvision's resnet18 in inference mode: Conv without bias followed by BatchNormalization (running
 * statistics as initializers), Relu, a 3x3/2 MaxPool, four stages of two basic blocks with residual Add (a 1x1/2
 * Conv + BatchNormalization on the shortcut where the shape changes), GlobalAveragePool, Flatten and a Gemm to
 * 1000 classes. Deterministic: the same batch and seed give the same model. Stateless.
 */
public final class ResNetModel {
    /** Input image side and channels. */
    public static final int SIDE = 224;
    public static final int CHANNELS = 3;
    private static final int CLASSES = 1000;
    private static final int OPSET = 17;

    private final Graph.Builder graph;
    private final Random random;
    private int counter;

    private ResNetModel(long seed) {
        this.graph = Graph.builder("resnet18");
        this.random = new Random(seed);
    }

    /** ResNet-18 for {@code batch} images of 3 x 224 x 224 (input "input", output "logits"). */
    public static Model resnet18(int batch, long seed) {
        ResNetModel b = new ResNetModel(seed);
        b.graph.input("input", ValueType.tensor(DType.FLOAT, batch, CHANNELS, SIDE, SIDE));
        String x = b.convBn("input", CHANNELS, 64, 7, 2, 3, true);
        x = b.node("MaxPool", x, n -> n.attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("pads", 1, 1, 1, 1));
        int channels = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 2; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = b.basicBlock(x, channels, widths[stage], stride);
                channels = widths[stage];
            }
        }
        x = b.node("GlobalAveragePool", x, n -> n);
        x = b.node("Flatten", x, n -> n.attr("axis", 1L));
        String w = b.initializer(b.normal(Math.sqrt(1.0 / channels), CLASSES, channels), CLASSES, channels);
        String bias = b.initializer(b.uniform(-0.1, 0.1, CLASSES), CLASSES);
        b.graph.node(Node.builder("Gemm").name("fc").inputs(x, w, bias).outputs("logits").attr("alpha", 1f).attr("beta", 1f)
                .attr("transB", 1L).build());
        b.graph.output("logits", ValueType.tensor(DType.FLOAT, batch, CLASSES));
        return Model.builder(b.graph.build()).opset("", OPSET).build();
    }

    /** Seeded random pixels in [0, 1) for {@code batch} images. */
    public static Tensor images(int batch, long seed) {
        Random r = new Random(seed);
        float[] v = new float[batch * CHANNELS * SIDE * SIDE];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Tensor.of(v, batch, CHANNELS, SIDE, SIDE);
    }

    private String basicBlock(String x, int in, int out, int stride) {
        String y = convBn(x, in, out, 3, stride, 1, true);
        y = convBn(y, out, out, 3, 1, 1, false);
        String shortcut = stride != 1 || in != out ? convBn(x, in, out, 1, stride, 0, false) : x;
        String sum = name("add");
        graph.node(Node.builder("Add").name(sum).inputs(y, shortcut).outputs(sum).build());
        return node("Relu", sum, n -> n);
    }

    private String convBn(String x, int in, int out, int k, int stride, int pad, boolean relu) {
        float[] w = normal(Math.sqrt(2.0 / (in * k * k)), out, in * k * k);
        String conv = node("Conv", x, initializer(w, out, in, k, k), n -> n.attr("kernel_shape", k, k).attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad).attr("dilations", 1, 1).attr("group", 1L));
        String scale = initializer(uniform(0.3, 0.7, out), out);
        String beta = initializer(uniform(-0.1, 0.1, out), out);
        String mean = initializer(uniform(-0.1, 0.1, out), out);
        String var = initializer(uniform(0.5, 1.5, out), out);
        String bn = name("batchnorm");
        graph.node(Node.builder("BatchNormalization").name(bn).inputs(conv, scale, beta, mean, var).outputs(bn)
                .attr("epsilon", 1e-5f).attr("momentum", 0.9f).build());
        return relu ? node("Relu", bn, n -> n) : bn;
    }

    private String node(String op, String input, java.util.function.UnaryOperator<Node.Builder> attrs) {
        String out = name(op.toLowerCase(java.util.Locale.ROOT));
        graph.node(attrs.apply(Node.builder(op).name(out).inputs(input).outputs(out)).build());
        return out;
    }

    private String node(String op, String input, String weight, java.util.function.UnaryOperator<Node.Builder> attrs) {
        String out = name(op.toLowerCase(java.util.Locale.ROOT));
        graph.node(attrs.apply(Node.builder(op).name(out).inputs(input, weight).outputs(out)).build());
        return out;
    }

    private String initializer(float[] values, long... dims) {
        String n = name("w");
        graph.initializer(n, Tensor.of(values, dims));
        return n;
    }

    private String name(String prefix) {
        return prefix + "_" + counter++;
    }

    private float[] normal(double std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private float[] uniform(double lo, double hi, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }
}
