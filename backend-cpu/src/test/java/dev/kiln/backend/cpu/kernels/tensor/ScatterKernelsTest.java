package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ScatterKernelsTest {
    private static Node elements(String reduction) {
        return Node.builder("ScatterElements").inputs("d", "i", "u").output("y").attr("axis", 1L).attr("reduction", reduction).build();
    }

    @Test
    void scatterElementsWritesAndReducesDuplicates() {
        Tensor data = Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 5);
        Tensor idx = Tensor.of(new long[] {1, -2, 1}, 1, 3);
        Tensor upd = Tensor.of(new float[] {10, 20, 30}, 1, 3);
        assertArrayEquals(new float[] {1, 30, 3, 20, 5}, KernelHarness.runOne(elements("none"), data, idx, upd).floatData());
        assertArrayEquals(new float[] {1, 42, 3, 24, 5}, KernelHarness.runOne(elements("add"), data, idx, upd).floatData());
        assertArrayEquals(new float[] {1, 600, 3, 80, 5}, KernelHarness.runOne(elements("mul"), data, idx, upd).floatData());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, KernelHarness.runOne(elements("min"), data, idx, upd).floatData());
        assertArrayEquals(new float[] {1, 30, 3, 20, 5}, KernelHarness.runOne(elements("max"), data, idx, upd).floatData());
    }

    @Test
    void oldScatterNameAndIntegerReductionAreExact() {
        Node n = Node.builder("Scatter").inputs("d", "i", "u").output("y").attr("reduction", "add").build();
        Tensor data = Tensor.of(new long[] {Long.MAX_VALUE - 1, 0}, 2);
        Tensor y = KernelHarness.runOne(n, data, Tensor.of(new long[] {0}, 1), Tensor.of(new long[] {1}, 1));
        assertArrayEquals(new long[] {Long.MAX_VALUE, 0}, y.longData());
    }

    @Test
    void scatterNdReplacesSlices() {
        Node n = Node.builder("ScatterND").inputs("d", "i", "u").output("y").build();
        Tensor data = Tensor.of(new String[] {"a", "b", "c", "d", "e", "f"}, 3, 2);
        Tensor y = KernelHarness.runOne(n, data, Tensor.of(new long[] {2, 0}, 2, 1), Tensor.of(new String[] {"x", "y", "z", "w"}, 2, 2));
        assertArrayEquals(new String[] {"z", "w", "c", "d", "x", "y"}, y.stringData());
    }

    @Test
    void scatterNdMultipliesElements() {
        Node n = Node.builder("ScatterND").inputs("d", "i", "u").output("y").attr("reduction", "mul").build();
        Tensor data = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        Tensor y = KernelHarness.runOne(n, data, Tensor.of(new long[] {1, 1, 1, 1}, 2, 2), Tensor.of(new int[] {5, 6}, 2));
        assertArrayEquals(new int[] {1, 2, 3, 120}, y.intData());
    }
}
