package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class SoftmaxKernelTest {
    @Test
    void softmaxOfTheLastAxisIsStableForLargeInputs() {
        Node n = Node.builder("Softmax").input("X").output("Y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {1000, 1000, 0, Float.NEGATIVE_INFINITY}, 2, 2));
        assertArrayEquals(new float[] {0.5f, 0.5f, 1, 0}, y.floatData(), 1e-7f);
    }

    @Test
    void softmaxAlongAnInnerAxisOnlyNormalizesThatAxis() {
        Node n = Node.builder("Softmax").input("X").output("Y").attr("axis", 0L).build();
        double e = Math.E;
        Tensor y = KernelHarness.runOne(n, Tensor.of(new double[] {0, 5, 1, 5}, 2, 2));
        assertArrayEquals(new double[] {1 / (1 + e), 0.5, e / (1 + e), 0.5}, y.doubleData(), 1e-12);
        Tensor yf = KernelHarness.runOne(n, Tensor.of(new float[] {0, 5, 1, 5}, 2, 2));
        assertArrayEquals(new float[] {(float) (1 / (1 + e)), 0.5f, (float) (e / (1 + e)), 0.5f}, yf.floatData(), 1e-7f);
    }

    @Test
    void logSoftmax() {
        Node n = Node.builder("LogSoftmax").input("X").output("Y").attr("axis", -1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {0, 0, 0, 0}, 1, 4));
        float v = (float) -Math.log(4);
        assertArrayEquals(new float[] {v, v, v, v}, y.floatData(), 1e-7f);
    }

    @Test
    void hardmaxMarksTheFirstMaximum() {
        Node n = Node.builder("Hardmax").input("X").output("Y").attr("axis", 1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {3, 1, 3, 0, 2, 2}, 2, 3));
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, y.floatData());
    }

    @Test
    void rejectsAnAxisOutsideTheRank() {
        Node n = Node.builder("Softmax").input("X").output("Y").attr("axis", 2L).build();
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(n, Tensor.of(new float[4], 2, 2)));
    }
}
