package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcatSplitKernelTest {
    @Test
    void concatInterleavesRunsAlongInnerAxis() {
        Node n = Node.builder("Concat").inputs("a", "b", "c").output("y").attr("axis", -1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new long[] {1, 2, 3, 4}, 2, 2), Tensor.of(new long[0], 2, 0),
                Tensor.of(new long[] {5, 6}, 2, 1));
        assertEquals(Shape.of(2, 3), y.shape());
        assertArrayEquals(new long[] {1, 2, 5, 3, 4, 6}, y.longData());
    }

    @Test
    void concatRejectsMismatchedDimensions() {
        Node n = Node.builder("Concat").inputs("a", "b").output("y").attr("axis", 0L).build();
        assertThrows(InvalidInputException.class, () -> KernelHarness.runOne(n, Tensor.of(new float[4], 2, 2), Tensor.of(new float[3], 1, 3)));
    }

    @Test
    void splitBySizesAndByNumOutputsWithSmallerLastChunk() {
        Tensor x = Tensor.of(new boolean[] {true, false, true, true, false}, 5);
        Node sizes = Node.builder("Split").inputs("x", "s").outputs("a", "b").build();
        List<RuntimeValue> out = KernelHarness.run(sizes, x, Tensor.of(new long[] {1, 4}, 2));
        assertArrayEquals(new boolean[] {true}, ((Tensor) out.get(0)).booleanData());
        assertArrayEquals(new boolean[] {false, true, true, false}, ((Tensor) out.get(1)).booleanData());
        Node parts = Node.builder("Split").input("x").outputs("a", "b", "c").attr("num_outputs", 3L).build();
        out = KernelHarness.run(parts, x);
        assertEquals(Shape.of(2), ((Tensor) out.get(0)).shape());
        assertEquals(Shape.of(1), ((Tensor) out.get(2)).shape());
    }

    @Test
    void splitAlongInnerAxisIsTheInverseOfConcat() {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor x = Tensor.of(v, 2, 3, 4);
        Node split = Node.builder("Split").inputs("x", "s").outputs("a", "b").attr("axis", 2L).build();
        List<RuntimeValue> parts = KernelHarness.run(split, x, Tensor.of(new long[] {3, 1}, 2));
        assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, ((Tensor) parts.get(1)).floatData());
        Node concat = Node.builder("Concat").inputs("a", "b").output("y").attr("axis", 2L).build();
        assertArrayEquals(v, KernelHarness.runOne(concat, parts.get(0), parts.get(1)).floatData());
    }
}
