package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.testing.OrtReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A float32 CNN (Conv, BatchNormalization in training mode, Relu, MaxPool, Flatten, Gemm, cross-entropy):
 * the training graph, exported as ONNX, gives the same gradients in ONNX Runtime, and they agree with the
 * float64 gradients of the same network, so the
 * constants the rules emit follow the graph's element type. Errors are relative to the largest gradient
 * element of each weight, at least 1e-3 (the conv bias before a training-mode BatchNormalization has a zero
 * gradient).
 */
class Float32TrainingGraphTest {
    private static Tensor floats(Random r, long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return Tensor.of(v, dims);
    }

    @Test
    void float32GradientsMatchFloat64Gradients() {
        Random r = new Random(21);
        Graph g = Graph.builder("cnn").input("x", ValueType.tensor(DType.FLOAT, Shape.symbolic("batch", 2, 6, 6)))
                .input("labels", ValueType.tensor(DType.INT64, Shape.symbolic("batch")))
                .initializer("w", floats(r, 4, 2, 3, 3)).initializer("b", floats(r, 4))
                .initializer("gamma", floats(r, 4)).initializer("beta", floats(r, 4))
                .initializer("mean", Tensor.of(new float[4], 4)).initializer("var", Tensor.of(new float[] {1, 1, 1, 1}, 4))
                .initializer("fc", floats(r, 3, 16)).initializer("fcb", floats(r, 3))
                .node(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("c").attr("pads", 1L, 1L, 1L, 1L).build())
                .node(Node.builder("BatchNormalization").name("bn").inputs("c", "gamma", "beta", "mean", "var").outputs("n", "running_mean", "running_var")
                        .attr("training_mode", 1L).build())
                .node(Node.builder("Relu").name("relu").input("n").output("a").build())
                .node(Node.builder("MaxPool").name("pool").input("a").output("p").attr("kernel_shape", 3L, 3L).attr("strides", 3L, 3L).build())
                .node(Node.builder("Flatten").name("flat").input("p").output("f").build())
                .node(Node.builder("Gemm").name("logits").inputs("f", "fc", "fcb").outputs("z").attr("transB", 1L).build())
                .node(Node.builder("SoftmaxCrossEntropyLoss").name("loss").inputs("z", "labels").outputs("loss").build())
                .build();
        List<String> wrt = List.of("w", "b", "gamma", "beta", "fc", "fcb");
        Graph d32 = Autodiff.differentiate(g, "loss", wrt);
        Graph d64 = Autodiff.differentiate(MiniLmGradientTest.toDouble(g), "loss", wrt);
        GraphVerifier.verify(d32);
        Tensor x = floats(r, 3, 2, 6, 6);
        Tensor labels = Tensor.of(new long[] {2, 0, 1}, 3);
        Map<String, Tensor> out32 = GradientChecker.run(d32, Map.of("x", x, "labels", labels));
        Map<String, Tensor> feeds64 = new LinkedHashMap<>(Map.of("x", Tensor.of(x.toDoubleArray(), x.dims()), "labels", labels));
        Map<String, Tensor> out64 = GradientChecker.run(d64, feeds64);
        Map<String, Tensor> ort = OrtReference.run(Model.builder(d32).opset("", 21).irVersion(10).build(), Map.of("x", x, "labels", labels));
        for (String name : wrt) {
            Tensor g32 = out32.get(GradientNames.of(name));
            Tensor gOrt = ort.get(GradientNames.of(name));
            assertArrayEquals(gOrt.toDoubleArray(), g32.toDoubleArray(), 2e-5, "ONNX Runtime runs the exported training graph: " + name);
            Tensor g64 = out64.get(GradientNames.of(name));
            assertEquals(DType.FLOAT, g32.dtype(), name);
            assertEquals(g.initializers().get(name).shape(), g32.shape(), name);
            double scale = 0;
            for (int i = 0; i < g64.size(); i++) {
                scale = Math.max(scale, Math.abs(g64.getDouble(i)));
            }
            for (int i = 0; i < g64.size(); i++) {
                double err = Math.abs(g32.getDouble(i) - g64.getDouble(i)) / Math.max(scale, 1e-3);
                assertTrue(err < 1e-4, name + "[" + i + "]: float32 " + g32.getDouble(i) + ", float64 " + g64.getDouble(i));
            }
        }
    }
}
