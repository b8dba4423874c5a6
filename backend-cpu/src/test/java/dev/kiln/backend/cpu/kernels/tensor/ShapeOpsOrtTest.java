package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shape-only and generator kernels (Flatten, Squeeze, Unsqueeze, Identity, Size, Scatter, Constant,
 * ConstantOfShape) against ONNX Runtime on random inputs and random axes.
 */
class ShapeOpsOrtTest {
    private static final int OPSET = 21;
    private final Random random = new Random(7);

    private Tensor floats(long... dims) {
        return RandomTensors.uniform(random, -2f, 2f, dims);
    }

    @Test
    void flattenAtEveryAxis() {
        Tensor x = floats(2, 3, 4, 5);
        for (long axis = -4; axis <= 4; axis++) {
            Node n = Node.builder("Flatten").input("x").output("y").attr("axis", axis).build();
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, x);
        }
    }

    @Test
    void squeezeAndUnsqueezeRandomAxes() {
        Tensor x = floats(1, 3, 1, 4, 1);
        long[][] squeezeAxes = {{0}, {2, -1}, {0, 2, 4}, {-5}};
        for (long[] axes : squeezeAxes) {
            Node n = Node.builder("Squeeze").inputs("x", "axes").output("y").build();
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, x, Tensor.of(axes, axes.length));
        }
        KernelHarness.assertMatchesOrt(Node.builder("Squeeze").input("x").output("y").build(), OPSET, 0, 0, x);
        Tensor z = floats(3, 4);
        long[][] unsqueezeAxes = {{0}, {-1}, {1, 3}, {0, -1}, {2, 0, 4}};
        for (long[] axes : unsqueezeAxes) {
            Node n = Node.builder("Unsqueeze").inputs("x", "axes").output("y").build();
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, z, Tensor.of(axes, axes.length));
        }
    }

    @Test
    void identityAndSizeOnSeveralTypes() {
        long[] ints = random.longs(24, -100, 100).toArray();
        Tensor[] inputs = {floats(2, 3, 4), Tensor.of(ints, 4, 6), Tensor.of(new boolean[] {true, false, true}, 3),
                Tensor.zeros(DType.FLOAT, 0, 5)};
        for (Tensor x : inputs) {
            KernelHarness.assertMatchesOrt(Node.builder("Identity").input("x").output("y").build(), OPSET, 0, 0, x);
            KernelHarness.assertMatchesOrt(Node.builder("Size").input("x").output("y").build(), OPSET, 0, 0, x);
        }
    }

    @Test
    void scatterAlongEachAxis() {
        Tensor data = floats(4, 5);
        for (long axis = -2; axis < 2; axis++) {
            int extent = axis == 0 || axis == -2 ? 4 : 5;
            // Distinct indices per row/column so the result does not depend on write order.
            long[] idx = new long[2 * 3];
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    idx[r * 3 + c] = axis == 0 || axis == -2 ? (r + 2L * c) % extent - (c == 1 ? extent : 0) : (c + 2L * r) % extent;
                }
            }
            Tensor indices = Tensor.of(idx, 2, 3);
            Tensor updates = floats(2, 3);
            // Scatter-9 is ScatterElements-11 under its old name; ORT refuses the deprecated op, so compare with that.
            Node n = Node.builder("Scatter").inputs("data", "indices", "updates").output("y").attr("axis", axis).build();
            Tensor kiln = (Tensor) KernelHarness.run(n, 10, List.of(data, indices, updates)).get(0);
            Node reference = Node.builder("ScatterElements").inputs("data", "indices", "updates").output("y").attr("axis", axis).build();
            Tensor ort = OrtReference.runNode(reference, 11, List.of(data, indices, updates), List.of(DType.FLOAT)).get(0);
            TensorAssert.assertClose(ort, kiln, 0, 0);
        }
    }

    @Test
    void constantAndConstantOfShape() {
        Tensor value = floats(3, 2);
        KernelHarness.assertMatchesOrt(Node.builder("Constant").output("y").attr("value", value).build(), OPSET, 0, 0);
        KernelHarness.assertMatchesOrt(Node.builder("Constant").output("y").attr("value_floats", new float[] {1.5f, -2f}).build(), OPSET, 0, 0);
        KernelHarness.assertMatchesOrt(Node.builder("Constant").output("y").attr("value_ints", 4L, 5L, 6L).build(), OPSET, 0, 0);
        Tensor shape = Tensor.of(new long[] {2, 3, 4}, 3);
        KernelHarness.assertMatchesOrt(Node.builder("ConstantOfShape").input("s").output("y").build(), OPSET, 0, 0, shape);
        Tensor fill = Tensor.of(new long[] {random.nextInt(1000)}, 1);
        KernelHarness.assertMatchesOrt(Node.builder("ConstantOfShape").input("s").output("y").attr("value", fill).build(), OPSET, 0, 0, shape);
    }
}
