package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransposeKernelTest {
    private static Tensor transpose(Tensor x, long... perm) {
        Node.Builder b = Node.builder("Transpose").input("x").output("y");
        if (perm.length > 0) {
            b.attr("perm", perm);
        }
        return KernelHarness.runOne(b.build(), x);
    }

    @Test
    void defaultReversesAxes() {
        Tensor y = transpose(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertEquals(Shape.of(3, 2), y.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, y.floatData());
    }

    @Test
    void matchesNaiveIndexingOnTiledAndBlockPaths() {
        Random r = new Random(7);
        int[][] shapes = {{2, 37, 45}, {3, 8, 5, 64}, {70, 66}, {1, 4, 1, 9}};
        long[][] perms = {{0, 2, 1}, {0, 2, 1, 3}, {1, 0}, {3, 1, 0, 2}};
        for (int c = 0; c < shapes.length; c++) {
            int[] d = shapes[c];
            float[] v = new float[Args.product(d, 0, d.length)];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextFloat();
            }
            Tensor x = Tensor.of(v, Args.toLongs(d));
            Tensor y = transpose(x, perms[c]);
            assertArrayEquals(naive(v, d, perms[c]), y.floatData(), "shape case " + c);
        }
    }

    @Test
    void movesStringsAndComplexPairs() {
        Tensor s = transpose(Tensor.of(new String[] {"a", "b", "c", "d", "e", "f"}, 3, 2));
        assertArrayEquals(new String[] {"a", "c", "e", "b", "d", "f"}, s.stringData());
        Tensor c = Tensor.of(DType.COMPLEX64, new float[] {1, -1, 2, -2, 3, -3, 4, -4}, 2, 2);
        assertArrayEquals(new float[] {1, -1, 3, -3, 2, -2, 4, -4}, transpose(c).floatData());
    }

    private static float[] naive(float[] v, int[] d, long[] perm) {
        int rank = d.length;
        int[] st = StridedCopy.contiguousStrides(d);
        int[] od = new int[rank];
        for (int i = 0; i < rank; i++) {
            od[i] = d[(int) perm[i]];
        }
        float[] out = new float[v.length];
        int[] idx = new int[rank];
        for (int o = 0; o < out.length; o++) {
            int rest = o;
            for (int k = rank - 1; k >= 0; k--) {
                idx[k] = rest % od[k];
                rest /= od[k];
            }
            int src = 0;
            for (int k = 0; k < rank; k++) {
                src += idx[k] * st[(int) perm[k]];
            }
            out[o] = v[src];
        }
        return out;
    }
}
