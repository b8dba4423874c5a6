package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderingKernelsTest {
    @Test
    void topKKeepsLowerIndexFirstOnTies() {
        Node n = Node.builder("TopK").inputs("x", "k").outputs("v", "i").build();
        List<RuntimeValue> out = KernelHarness.run(n, Tensor.of(new float[] {3, 1, 3, 2, 0, 0, 0, 5}, 2, 4), Tensor.of(new long[] {3}, 1));
        assertArrayEquals(new float[] {3, 3, 2, 5, 0, 0}, ((Tensor) out.get(0)).floatData());
        assertArrayEquals(new long[] {0, 2, 3, 3, 0, 1}, ((Tensor) out.get(1)).longData());
    }

    @Test
    void topKSmallestAlongFirstAxisOfUint64() {
        Node n = Node.builder("TopK").inputs("x", "k").outputs("v", "i").attr("axis", 0L).attr("largest", 0L).build();
        Tensor x = Tensor.of(DType.UINT64, new long[] {-1L, 4, 2, 9}, 2, 2);
        List<RuntimeValue> out = KernelHarness.run(n, x, Tensor.of(new long[] {1}, 1));
        assertArrayEquals(new long[] {2, 4}, ((Tensor) out.get(0)).longData());
        assertArrayEquals(new long[] {1, 0}, ((Tensor) out.get(1)).longData());
    }

    @Test
    void topKOfFewAmongManyMatchesAFullSort() {
        java.util.Random r = new java.util.Random(11);
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(50);
        }
        Node n = Node.builder("TopK").inputs("x", "k").outputs("v", "i").build();
        List<RuntimeValue> out = KernelHarness.run(n, Tensor.of(v, 1000), Tensor.of(new long[] {7}, 1));
        Integer[] all = new Integer[1000];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        java.util.Arrays.sort(all, (p, q) -> v[p] != v[q] ? Float.compare(v[q], v[p]) : Integer.compare(p, q));
        long[] expected = new long[7];
        for (int i = 0; i < 7; i++) {
            expected[i] = all[i];
        }
        assertArrayEquals(expected, ((Tensor) out.get(1)).longData());
    }

    @Test
    void uniqueSortedAndInOrderOfFirstOccurrence() {
        Tensor x = Tensor.of(new float[] {2, 1, 1, 3, 4, 3}, 6);
        Node unsorted = Node.builder("Unique").input("x").outputs("y", "i", "inv", "c").attr("sorted", 0L).build();
        List<RuntimeValue> out = KernelHarness.run(unsorted, x);
        assertArrayEquals(new float[] {2, 1, 3, 4}, ((Tensor) out.get(0)).floatData());
        assertArrayEquals(new long[] {0, 1, 3, 4}, ((Tensor) out.get(1)).longData());
        assertArrayEquals(new long[] {0, 1, 1, 2, 3, 2}, ((Tensor) out.get(2)).longData());
        assertArrayEquals(new long[] {1, 2, 2, 1}, ((Tensor) out.get(3)).longData());
        Node sorted = Node.builder("Unique").input("x").outputs("y", "i").build();
        out = KernelHarness.run(sorted, x);
        assertArrayEquals(new float[] {1, 2, 3, 4}, ((Tensor) out.get(0)).floatData());
        assertArrayEquals(new long[] {1, 0, 3, 4}, ((Tensor) out.get(1)).longData());
    }

    @Test
    void uniqueSlicesAlongAnAxis() {
        Tensor x = Tensor.of(new int[] {1, 0, 0, 1, 0, 0, 2, 3, 4}, 3, 3);
        Node n = Node.builder("Unique").input("x").outputs("y", "", "inv", "c").attr("axis", 0L).build();
        List<RuntimeValue> out = KernelHarness.run(n, x);
        assertEquals(Shape.of(2, 3), ((Tensor) out.get(0)).shape());
        assertArrayEquals(new int[] {1, 0, 0, 2, 3, 4}, ((Tensor) out.get(0)).intData());
        assertArrayEquals(new long[] {0, 0, 1}, ((Tensor) out.get(2)).longData());
        assertArrayEquals(new long[] {2, 1}, ((Tensor) out.get(3)).longData());
    }

    @Test
    void nonZeroListsCoordinatesPerAxis() {
        Node n = Node.builder("NonZero").input("x").output("y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new boolean[] {true, false, true, true}, 2, 2));
        assertEquals(Shape.of(2, 3), y.shape());
        assertArrayEquals(new long[] {0, 1, 1, 0, 0, 1}, y.longData());
    }

    @Test
    void cumSumExclusiveReverse() {
        Node n = Node.builder("CumSum").inputs("x", "a").output("y").attr("exclusive", 1L).attr("reverse", 1L).build();
        assertArrayEquals(new float[] {5, 3, 0}, KernelHarness.runOne(n, Tensor.of(new float[] {1, 2, 3}, 3), Tensor.scalar(0)).floatData());
        Node plain = Node.builder("CumSum").inputs("x", "a").output("y").build();
        Tensor y = KernelHarness.runOne(plain, Tensor.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3), Tensor.scalar(0L));
        assertArrayEquals(new long[] {1, 2, 3, 5, 7, 9}, y.longData());
    }
}
