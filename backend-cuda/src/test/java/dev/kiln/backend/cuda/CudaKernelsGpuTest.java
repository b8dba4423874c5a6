package dev.kiln.backend.cuda;

import static dev.kiln.backend.cuda.CudaTestModels.random;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Every CUDA kernel against the CPU backend on seeded random float32 inputs: max relative error 1e-5 for
 * elementwise, data-movement and normalisation kernels, 1e-3 for the GEMM-based ones (MatMul, Gemm,
 * FusedMatMul, Conv, attention). Needs a GPU (tag gpu; skipped with the reason without one).
 */
@Tag("gpu")
class CudaKernelsGpuTest {
    private static final double ELEMENTWISE = 1e-5;
    private static final double GEMM = 1e-3;
    private static final DType[] F = {DType.FLOAT, DType.FLOAT, DType.FLOAT};

    @BeforeAll
    static void gpu() {
        CudaGpuHarness.assumeGpu();
    }

    private record Case(String label, Node node, Map<String, Tensor> inputs, DType[] outputs, double tolerance) {
    }

    private static Map<String, Tensor> in(Object... nameTensor) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            m.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
        }
        return m;
    }

    private static Node.Builder op(String type, String... inputs) {
        return Node.builder(type).name(type.toLowerCase()).inputs(inputs).outputs("y");
    }

    private static Tensor positive(Random r, long... dims) {
        float[] v = random(r, dims).floatData();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]) + 0.25f;
        }
        return Tensor.of(v, dims);
    }

    private static Tensor longs(long... v) {
        return Tensor.of(v, v.length);
    }

    private static List<Case> cases() {
        Random r = new Random(20261129);
        List<Case> c = new ArrayList<>();
        for (String u : List.of("Neg", "Abs", "Exp", "Tanh", "Erf", "Relu", "Sigmoid", "Sign", "Sin", "Cos", "Gelu", "Softplus")) {
            c.add(new Case(u, op(u, "x").build(), in("x", random(r, 3, 5, 7)), F, ELEMENTWISE));
        }
        for (String u : List.of("Sqrt", "Log", "Reciprocal")) {
            c.add(new Case(u, op(u, "x").build(), in("x", positive(r, 3, 5, 7)), F, ELEMENTWISE));
        }
        c.add(new Case("LeakyRelu alpha 0.2", op("LeakyRelu", "x").attr("alpha", 0.2f).build(), in("x", random(r, 64)), F, ELEMENTWISE));
        c.add(new Case("Gelu tanh", op("Gelu", "x").attr("approximate", "tanh").build(), in("x", random(r, 64)), F, ELEMENTWISE));
        for (String b : List.of("Add", "Sub", "Mul", "Max", "Min")) {
            c.add(new Case(b + " same shape", op(b, "a", "b").build(), in("a", random(r, 4, 33), "b", random(r, 4, 33)), F, ELEMENTWISE));
            c.add(new Case(b + " broadcast", op(b, "a", "b").build(), in("a", random(r, 2, 3, 4), "b", random(r, 3, 1)), F, ELEMENTWISE));
        }
        c.add(new Case("Div broadcast", op("Div", "a", "b").build(), in("a", random(r, 2, 3, 4), "b", positive(r, 4)), F, ELEMENTWISE));
        c.add(new Case("Pow square", op("Pow", "a", "b").build(), in("a", random(r, 5, 6), "b", Tensor.of(new float[] {2f})), F, ELEMENTWISE));
        c.add(new Case("Pow general", op("Pow", "a", "b").build(), in("a", positive(r, 5, 6), "b", random(r, 6)), F, ELEMENTWISE));
        DType[] bool = {DType.BOOL};
        for (String b : List.of("Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual")) {
            Tensor a = random(r, 3, 4);
            c.add(new Case(b, op(b, "a", "b").build(), in("a", a, "b", Tensor.of(new float[] {a.floatData()[0], 0f, 0.5f, -0.5f}, 4)),
                    bool, 0));
        }
        boolean[] cond = new boolean[12];
        for (int i = 0; i < cond.length; i++) {
            cond[i] = r.nextBoolean();
        }
        c.add(new Case("Where", op("Where", "c", "a", "b").build(), in("c", Tensor.of(cond, 3, 4), "a", random(r, 2, 3, 4), "b", random(r, 4)),
                F, ELEMENTWISE));
        c.add(new Case("MatMul weight", op("MatMul", "a", "b").build(), in("a", random(r, 2, 3, 8, 16), "b", random(r, 16, 5)), F, GEMM));
        c.add(new Case("MatMul batched", op("MatMul", "a", "b").build(), in("a", random(r, 4, 7, 9), "b", random(r, 4, 9, 3)), F, GEMM));
        c.add(new Case("MatMul broadcast batch", op("MatMul", "a", "b").build(), in("a", random(r, 2, 1, 4, 6), "b", random(r, 3, 6, 5)), F, GEMM));
        c.add(new Case("MatMul vector", op("MatMul", "a", "b").build(), in("a", random(r, 6), "b", random(r, 2, 6, 5)), F, GEMM));
        c.add(new Case("MatMul large odd", op("MatMul", "a", "b").build(), in("a", random(r, 67, 131), "b", random(r, 131, 45)), F, GEMM));
        c.add(new Case("Gemm transposed with C", op("Gemm", "a", "b", "c").attr("transA", 1L).attr("transB", 1L).attr("alpha", 0.5f)
                .attr("beta", 2f).build(), in("a", random(r, 8, 5), "b", random(r, 7, 8), "c", random(r, 7)), F, GEMM));
        c.add(new Case("FusedMatMul bias Gelu", Node.builder("FusedMatMul").domain("dev.kiln").name("f").inputs("a", "b", "bias").outputs("y")
                .attr("activation", "Gelu").build(), in("a", random(r, 2, 8, 16), "b", random(r, 16, 12), "bias", random(r, 12)), F, GEMM));
        c.add(new Case("Softmax axis 1", op("Softmax", "x").attr("axis", 1L).build(), in("x", random(r, 2, 5, 3)), F, ELEMENTWISE));
        c.add(new Case("Softmax long rows", op("Softmax", "x").build(), in("x", random(r, 3, 1000)), F, ELEMENTWISE));
        c.add(new Case("LogSoftmax", op("LogSoftmax", "x").build(), in("x", random(r, 4, 9)), F, ELEMENTWISE));
        c.add(new Case("ReduceMean last", op("ReduceMean", "x", "axes").build(), in("x", random(r, 2, 3, 384), "axes", longs(-1)), F, ELEMENTWISE));
        c.add(new Case("ReduceSum scattered", op("ReduceSum", "x", "axes").attr("keepdims", 0L).build(),
                in("x", random(r, 3, 4, 5), "axes", longs(0, 2)), F, ELEMENTWISE));
        c.add(new Case("ReduceMax all", op("ReduceMax", "x").build(), in("x", random(r, 3, 4, 5)), F, ELEMENTWISE));
        c.add(new Case("ReduceSumSquare middle", op("ReduceSumSquare", "x", "axes").build(), in("x", random(r, 3, 4, 5), "axes", longs(1)), F, ELEMENTWISE));
        c.add(new Case("LayerNormalization", Node.builder("LayerNormalization").name("ln").inputs("x", "s", "b").outputs("y", "mean", "inv")
                .attr("epsilon", 1e-12f).build(), in("x", random(r, 2, 7, 384), "s", random(r, 384), "b", random(r, 384)), F, ELEMENTWISE));
        c.add(new Case("LayerNormalization dev.kiln axis 1", Node.builder("LayerNormalization").domain("dev.kiln").name("ln").inputs("x", "s")
                .outputs("y").attr("axis", 1L).build(), in("x", random(r, 3, 4, 5), "s", random(r, 4, 5)), F, ELEMENTWISE));
        c.add(new Case("Gather embeddings", op("Gather", "w", "i").build(),
                in("w", random(r, 50, 16), "i", Tensor.of(new long[] {0, 49, -1, 7, 7, 3}, 2, 3)), F, 0));
        c.add(new Case("Gather axis 1 int32", op("Gather", "w", "i").attr("axis", 1L).build(),
                in("w", random(r, 3, 10, 4), "i", Tensor.of(new int[] {9, 0, -2}, 3)), F, 0));
        c.add(new Case("Transpose", op("Transpose", "x").attr("perm", 2L, 0L, 1L).build(), in("x", random(r, 3, 4, 5)), F, 0));
        c.add(new Case("Concat axis 1", op("Concat", "a", "b", "c").attr("axis", 1L).build(),
                in("a", random(r, 2, 1, 3), "b", random(r, 2, 4, 3), "c", random(r, 2, 2, 3)), F, 0));
        c.add(new Case("Slice negative step", op("Slice", "x", "s", "e", "a", "t").build(),
                in("x", random(r, 6, 7), "s", longs(-1, 1), "e", longs(-7, 100), "a", longs(0, 1), "t", longs(-2, 3)), F, 0));
        c.add(new Case("Expand", op("Expand", "x", "s").build(), in("x", random(r, 3, 1), "s", longs(2, 3, 4)), F, 0));
        c.add(new Case("Cast to int64", op("Cast", "x").attr("to", (long) DType.INT64.code()).build(), in("x", random(r, 40)),
                new DType[] {DType.INT64}, 0));
        c.add(new Case("Cast int64 to float", op("Cast", "x").attr("to", (long) DType.FLOAT.code()).build(),
                in("x", Tensor.of(new long[] {0, 1, -5, 1L << 40, 7}, 5)), F, 0));
        c.add(new Case("Cast to bool", op("Cast", "x").attr("to", (long) DType.BOOL.code()).build(),
                in("x", Tensor.of(new float[] {0f, -0f, 1e-30f, -2f, Float.NaN}, 5)), bool, 0));
        c.add(new Case("CastLike", op("CastLike", "x", "t").build(), in("x", Tensor.of(new long[] {3, -1}, 2), "t", random(r, 1)), F, 0));
        c.add(new Case("Reshape", op("Reshape", "x", "s").build(), in("x", random(r, 2, 3, 4), "s", longs(0, -1)), F, 0));
        c.add(new Case("Unsqueeze", op("Unsqueeze", "x", "a").build(), in("x", random(r, 2, 3), "a", longs(0, -1)), F, 0));
        c.add(new Case("Conv padded strided", op("Conv", "x", "w", "b").attr("pads", 1L, 1L, 1L, 1L).attr("strides", 2L, 2L).build(),
                in("x", random(r, 2, 3, 9, 9), "w", random(r, 4, 3, 3, 3), "b", random(r, 4)), F, GEMM));
        c.add(new Case("Conv grouped dilated", op("Conv", "x", "w").attr("group", 2L).attr("dilations", 2L, 2L).build(),
                in("x", random(r, 1, 4, 10, 10), "w", random(r, 6, 2, 3, 3)), F, GEMM));
        c.add(new Case("Conv pointwise", op("Conv", "x", "w").build(), in("x", random(r, 2, 8, 5, 5), "w", random(r, 16, 8, 1, 1)), F, GEMM));
        c.add(new Case("Conv SAME_UPPER", op("Conv", "x", "w").attr("auto_pad", "SAME_UPPER").attr("strides", 2L, 2L).build(),
                in("x", random(r, 1, 3, 8, 7), "w", random(r, 2, 3, 3, 3)), F, GEMM));
        c.add(new Case("MaxPool", op("MaxPool", "x").attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).build(),
                in("x", random(r, 2, 3, 8, 8)), F, 0));
        c.add(new Case("GlobalAveragePool", op("GlobalAveragePool", "x").build(), in("x", random(r, 2, 5, 7, 7)), F, ELEMENTWISE));
        c.add(new Case("BatchNormalization", op("BatchNormalization", "x", "s", "b", "m", "v").build(),
                in("x", random(r, 2, 3, 4, 4), "s", random(r, 3), "b", random(r, 3), "m", random(r, 3), "v", positive(r, 3)), F, ELEMENTWISE));
        c.add(new Case("MultiHeadAttention masked", Node.builder("MultiHeadAttention").domain("dev.kiln").name("mha").inputs("q", "k", "v", "m")
                .outputs("y").attr("num_heads", 3L).attr("scale", 0.5f).build(),
                in("q", random(r, 2, 7, 12), "k", random(r, 2, 9, 12), "v", random(r, 2, 9, 12), "m", random(r, 2, 1, 1, 9)), F, GEMM));
        c.add(new Case("Adam", Node.builder("Adam").domain("ai.onnx.preview.training").name("adam").inputs("r", "t", "x", "g", "v", "h")
                .outputs("x2", "v2", "h2").attr("epsilon", 1e-6f).attr("norm_coefficient", 0.01f).build(),
                in("r", Tensor.scalar(0.01f), "t", Tensor.scalar(3L), "x", random(r, 5, 7), "g", random(r, 5, 7), "v", random(r, 5, 7),
                        "h", positive(r, 5, 7)), F, ELEMENTWISE));
        c.add(new Case("AdamW", Node.builder("AdamW").domain("dev.kiln.training").name("adamw").inputs("r", "t", "x", "g", "v", "h")
                .outputs("x2", "v2", "h2").build(),
                in("r", Tensor.scalar(0.001f), "t", Tensor.scalar(10L), "x", random(r, 300), "g", random(r, 300), "v", random(r, 300),
                        "h", positive(r, 300)), F, ELEMENTWISE));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyKernelMatchesTheCpu() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.label(),
                () -> CudaGpuHarness.check(k.label(), k.node(), k.inputs(), k.outputs(), k.tolerance())));
    }
}
