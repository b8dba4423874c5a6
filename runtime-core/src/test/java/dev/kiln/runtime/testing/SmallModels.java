package dev.kiln.runtime.testing;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Map;
import java.util.Random;

/**
 * Small real models built in code with seeded weights, for run-time tests (concurrency, leaks): a
 * two-layer CNN classifier on {@code image} [batch,3,12,12] and a two-layer MLP on {@code features}
 * [batch,64], in one graph so that one run exercises Conv (im2col, prepacked weights), pooling, Gemm and
 * MatMul kernels and the symbolic {@code batch} is shared by both inputs.
 */
public final class SmallModels {
    private SmallModels() {
    }

    public static Tensor random(Random r, long... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return Tensor.of(v, dims);
    }

    /** Outputs {@code classes} [batch,10] (softmax of the CNN) and {@code scores} [batch,10] (the MLP). */
    public static Model cnnAndMlp() {
        Random r = new Random(2026);
        Graph g = Graph.builder("cnn_and_mlp").input(floats("image", "batch", 3, 12, 12)).input(floats("features", "batch", 64))
                .output(floats("classes", "batch", 10)).output(floats("scores", "batch", 10))
                .initializer("conv1.w", random(r, 8, 3, 3, 3)).initializer("conv1.b", random(r, 8))
                .initializer("conv2.w", random(r, 16, 8, 3, 3)).initializer("conv2.b", random(r, 16))
                .initializer("fc.w", random(r, 16, 10)).initializer("fc.b", random(r, 10))
                .initializer("mlp1.w", random(r, 64, 128)).initializer("mlp1.b", random(r, 128))
                .initializer("mlp2.w", random(r, 128, 10)).initializer("mlp2.b", random(r, 10))
                .node(conv("conv1", "image", "c1")).node(node("Relu", in("c1"), "r1"))
                .node(Node.builder("MaxPool").name("pool1").input("r1").output("p1").attr("kernel_shape", 2L, 2L).attr("strides", 2L, 2L).build())
                .node(conv("conv2", "p1", "c2")).node(node("Relu", in("c2"), "r2"))
                .node(node("GlobalAveragePool", in("r2"), "gap"))
                .node(Node.builder("Flatten").name("flatten").input("gap").output("flat").attr("axis", 1L).build())
                .node(node("Gemm", in("flat", "fc.w", "fc.b"), "logits"))
                .node(Node.builder("Softmax").name("softmax").input("logits").output("classes").attr("axis", -1L).build())
                .node(node("MatMul", in("features", "mlp1.w"), "m1")).node(node("Add", in("m1", "mlp1.b"), "a1"))
                .node(node("Relu", in("a1"), "h1"))
                .node(node("MatMul", in("h1", "mlp2.w"), "m2")).node(node("Add", in("m2", "mlp2.b"), "scores"))
                .build();
        return model(g);
    }

    private static Node conv(String name, String x, String y) {
        return Node.builder("Conv").name(name).inputs(x, name + ".w", name + ".b").output(y)
                .attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L).build();
    }

    /** Seeded inputs for {@link #cnnAndMlp()} with {@code batch} rows. */
    public static Map<String, Tensor> cnnAndMlpInputs(long seed, int batch) {
        Random r = new Random(seed);
        return Map.of("image", random(r, batch, 3, 12, 12), "features", random(r, batch, 64));
    }

    /** A tiny MLP, {@code y = relu(x W1 + b1) W2} with x [batch,8], for loops of many thousand runs. */
    public static Model tinyMlp() {
        Random r = new Random(5);
        Graph g = Graph.builder("tiny_mlp").input(floats("x", "batch", 8)).output(floats("y", "batch", 4))
                .initializer("w1", random(r, 8, 16)).initializer("b1", random(r, 16)).initializer("w2", random(r, 16, 4))
                .node(node("MatMul", in("x", "w1"), "m")).node(node("Add", in("m", "b1"), "a")).node(node("Relu", in("a"), "h"))
                .node(node("MatMul", in("h", "w2"), "y")).build();
        return model(g);
    }
}
