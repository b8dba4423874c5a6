package dev.kiln.backend.cpu.kernels.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Elementwise float32 kernels writing an input in place where the runtime allows it (a training step's
 * intermediates): the result matches ONNX Runtime, the overwritten input is the output, and an input that is not
 * overwritable, is broadcast, or is shared with another input is left alone.
 */
class InPlaceElementwiseTest {
    private static final int OPSET = 18;
    private final Random random = new Random(3);

    private Tensor random(long... dims) {
        return RandomTensors.uniform(random, 0.5f, 2f, dims);
    }

    private static void check(Node node, List<Tensor> inputs, Set<Integer> overwritable, Integer expectedInPlace) {
        Tensor ort = OrtReference.runNode(node, OPSET, inputs, List.of(DType.FLOAT)).get(0);
        List<Tensor> copies = inputs.stream().map(Tensor::copy).toList();
        Tensor y = KernelHarness.runOverwriting(node, OPSET, copies, overwritable);
        String d = TensorAssert.difference(ort, y, 1e-6, 1e-6);
        if (d != null) {
            throw new AssertionError(node.describe() + ": " + d);
        }
        for (int i = 0; i < copies.size(); i++) {
            if (expectedInPlace != null && i == expectedInPlace) {
                assertSame(copies.get(i), y, node.opType() + " writes input " + i + " in place");
            } else {
                assertNotSame(copies.get(i), y);
                assertArrayEquals(inputs.get(i).floatData(), copies.get(i).floatData(), node.opType() + " leaves input " + i + " alone");
            }
        }
    }

    @Test
    void binaryOpsWriteTheFullShapeInput() {
        for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
            Node node = Node.builder(op).inputs("a", "b").output("y").build();
            Tensor full = random(40, 70);
            Tensor other = random(40, 70);
            Tensor row = random(70);
            check(node, List.of(full, other), Set.of(0, 1), 0);
            check(node, List.of(full, other), Set.of(1), 1);
            check(node, List.of(full, row), Set.of(0, 1), 0);
            check(node, List.of(row, full), Set.of(0, 1), 1);
            check(node, List.of(row, full), Set.of(0), null);
            check(node, List.of(full, other), Set.of(), null);
        }
    }

    @Test
    void anInputGivenTwiceIsNotOverwritten() {
        Node node = Node.builder("Mul").inputs("a", "a").output("y").build();
        Tensor x = random(33, 17);
        Tensor ort = OrtReference.runNode(node, OPSET, List.of(x, x), List.of(DType.FLOAT)).get(0);
        Tensor copy = x.copy();
        Tensor y = KernelHarness.runOverwriting(node, OPSET, List.of(copy, copy), Set.of(0, 1));
        assertNotSame(copy, y);
        assertArrayEquals(x.floatData(), copy.floatData());
        assertArrayEquals(ort.floatData(), y.floatData(), 1e-6f);
    }

    @Test
    void sumAccumulatesIntoOneOfTheFirstTwo() {
        Node node = Node.builder("Sum").inputs("a", "b", "c").output("y").build();
        Tensor a = random(20, 30);
        Tensor b = random(20, 30);
        Tensor c = random(20, 30);
        check(node, List.of(a, b, c), Set.of(0, 1, 2), 0);
        check(node, List.of(a, b, c), Set.of(1, 2), 1);
        check(node, List.of(a, b, c), Set.of(2), null);
        check(node, List.of(random(30), b, c), Set.of(0, 1, 2), 1);
    }

    @Test
    void unaryOpsWriteTheirInput() {
        for (String op : new String[] {"Erf", "Exp", "Neg", "Sqrt", "Tanh"}) {
            Node node = Node.builder(op).input("x").output("y").build();
            Tensor x = random(37, 29);
            check(node, List.of(x), Set.of(0), 0);
            check(node, List.of(x), Set.of(), null);
        }
    }
}
