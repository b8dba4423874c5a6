package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** dev.kiln::MultiHeadAttention against ONNX Runtime running the reshape/transpose/matmul/softmax chain it replaces. */
class FusedAttentionOrtTest {
    private final Random random = new Random(5);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, -1f, 1f, dims);
    }

    private static ValueType.TensorType floats(long... dims) {
        return new ValueType.TensorType(DType.FLOAT, dims.length == 0 ? null : Shape.of(dims));
    }

    @Test
    void matchesTheUnfusedChainWithAndWithoutAMask() {
        int b = 3;
        int s = 19;
        for (long[] maskDims : new long[][] {null, {b, 1, 1, s}, {1, 1, s, s}, {b, 4, s, s}}) {
            compare(b, s, s, 4, 8, 0.3f, maskDims);
        }
    }

    /**
     * Shapes the blocked kernel treats specially: Sq != Sk, head sizes that are not a multiple of its
     * four-wide steps, several query blocks (Sq above 128, or many keys), masks broadcast along any axis.
     */
    @Test
    void matchesTheUnfusedChainOnAwkwardShapes() {
        compare(2, 128, 128, 12, 32, 0.17f, new long[] {2, 1, 1, 128});
        compare(1, 9, 33, 2, 64, 0.125f, new long[] {33});
        compare(2, 21, 6, 3, 24, 0.2f, new long[] {21, 1});
        compare(1, 150, 40, 2, 7, 0.4f, new long[] {1, 2, 150, 40});
        compare(1, 5, 3, 1, 1, 1f, null);
        compare(1, 100, 700, 1, 5, 0.3f, new long[] {1, 1, 1, 700});
    }

    private void compare(int b, int sq, int sk, int heads, int d, float scale, long[] maskDims) {
        Tensor q = random(b, sq, heads * d);
        Tensor k = random(b, sk, heads * d);
        Tensor v = random(b, sk, heads * d);
        // a BERT-style padding mask where it varies along the keys: noise, with some keys at -10000 (where one
        // value covers a whole row, -10000 would only cost float32 precision in every engine alike)
        Tensor mask = maskDims == null ? null : RandomTensors.uniform(random, -1f, 1f, maskDims);
        if (mask != null && maskDims[maskDims.length - 1] > 1) {
            float[] m = mask.floatData();
            for (int i = 0; i < m.length; i++) {
                m[i] = m[i] < -0.7f ? -10000f : m[i];
            }
        }
        Node fused = Node.builder("MultiHeadAttention").domain(LinalgKernels.FUSED_DOMAIN).inputs("q", "k", "v", mask == null ? "" : "m")
                .output("y").attr("num_heads", heads).attr("scale", scale).build();
        Tensor kiln = mask == null ? KernelHarness.runOne(fused, q, k, v) : KernelHarness.runOne(fused, q, k, v, mask);

        Graph.Builder g = Graph.builder("attention").input("q", floats(b, sq, heads * d)).input("k", floats(b, sk, heads * d))
                .input("v", floats(b, sk, heads * d)).output("y", floats())
                .initializer("qsplit", Tensor.of(new long[] {b, sq, heads, d}, 4))
                .initializer("kvsplit", Tensor.of(new long[] {b, sk, heads, d}, 4))
                .initializer("merge", Tensor.of(new long[] {b, sq, heads * d}, 3))
                .initializer("scale", Tensor.scalar(scale))
                .node(Node.builder("Reshape").inputs("q", "qsplit").output("qr").build())
                .node(Node.builder("Transpose").input("qr").output("qt").attr("perm", 0, 2, 1, 3).build())
                .node(Node.builder("Reshape").inputs("k", "kvsplit").output("kr").build())
                .node(Node.builder("Transpose").input("kr").output("kt").attr("perm", 0, 2, 3, 1).build())
                .node(Node.builder("Reshape").inputs("v", "kvsplit").output("vr").build())
                .node(Node.builder("Transpose").input("vr").output("vt").attr("perm", 0, 2, 1, 3).build())
                .node(Node.builder("MatMul").inputs("qt", "kt").output("s").build())
                .node(Node.builder("Mul").inputs("s", "scale").output(mask == null ? "l" : "ls").build());
        Map<String, Tensor> feeds = new java.util.HashMap<>(Map.of("q", q, "k", k, "v", v));
        if (mask != null) {
            g.input("m", floats(maskDims)).node(Node.builder("Add").inputs("ls", "m").output("l").build());
            feeds.put("m", mask);
        }
        g.node(Node.builder("Softmax").input("l").output("p").attr("axis", -1L).build())
                .node(Node.builder("MatMul").inputs("p", "vt").output("o").build())
                .node(Node.builder("Transpose").input("o").output("ot").attr("perm", 0, 2, 1, 3).build())
                .node(Node.builder("Reshape").inputs("ot", "merge").output("y").build());
        Tensor ort = OrtReference.run(Model.builder(g.build()).opset("", 17).irVersion(9).build(), feeds).get("y");
        TensorAssert.assertClose(ort, kiln, 1e-5, 1e-5);
        // the kernel ran on the SIMD path where the Vector API is on (as in surefire); the plain path, directly
        TensorAssert.assertClose(ort, plainPath(q, k, v, mask, heads, scale), 1e-5, 1e-5);
        // and against the float64 path, which is a direct loop over the formula
        Tensor dbl = mask == null ? KernelHarness.runOne(fused, toDouble(q), toDouble(k), toDouble(v))
                : KernelHarness.runOne(fused, toDouble(q), toDouble(k), toDouble(v), toDouble(mask));
        TensorAssert.assertClose(dbl, toDouble(kiln), 2e-6, 2e-6);
    }

    private static Tensor plainPath(Tensor q, Tensor k, Tensor v, Tensor mask, int heads, float scale) {
        try (CpuExecution execution = new CpuExecution(2)) {
            return Tensor.of(SimdAttentionTest.attend(execution, false, q, k, v, mask, heads, scale), q.dims());
        }
    }

    @Test
    void theFloat64PathAgreesWithTheFloat32Path() {
        Tensor q = random(2, 7, 12);
        Tensor k = random(2, 7, 12);
        Tensor v = random(2, 7, 12);
        Tensor mask = random(2, 1, 1, 7);
        Node fused = Node.builder("MultiHeadAttention").domain(LinalgKernels.FUSED_DOMAIN).inputs("q", "k", "v", "m")
                .output("y").attr("num_heads", 3L).attr("scale", 0.5f).build();
        Tensor single = KernelHarness.runOne(fused, q, k, v, mask);
        Tensor dbl = KernelHarness.runOne(fused, toDouble(q), toDouble(k), toDouble(v), toDouble(mask));
        TensorAssert.assertClose(toDouble(single), dbl, 1e-5, 1e-6);
    }

    private static Tensor toDouble(Tensor t) {
        double[] d = new double[(int) t.elementCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return Tensor.of(d, t.dims());
    }
}
