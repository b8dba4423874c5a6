package dev.kiln.backend.cpu.kernels.reduction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 reduction paths (row sums, chunked column sums with float partials) on training-step shapes: against
 * ONNX Runtime through the kernel, and against sums worked out here in double.
 */
class FloatReductionsTest {
    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Softmax backward's row sums and the broadcast gradients' sums over leading axes, at MiniLM 8x128 sizes. */
    @Test
    void trainingShapesMatchOrt() {
        Random r = new Random(11);
        long[][] dims = {{1536, 128}, {8, 12, 128, 128}, {8, 128, 384}, {8, 128, 1536}};
        long[][] axes = {{1}, {0}, {0, 1}, {2}};
        for (int c = 0; c < dims.length; c++) {
            int n = 1;
            for (long d : dims[c]) {
                n *= (int) d;
            }
            Tensor x = Tensor.of(random(r, n), dims[c]);
            for (String op : new String[] {"ReduceSum", "ReduceMean", "ReduceSumSquare", "ReduceMax"}) {
                Node node = Node.builder(op).inputs("x", "a").output("y").attr("keepdims", 1L).build();
                // sums of up to 1536 terms in [-1, 1] that largely cancel: ORT's float order and ours differ by ~1e-5
                KernelHarness.assertMatchesOrt(node, 18, 1e-5, 1e-4, x, Tensor.of(axes[c], axes[c].length));
            }
        }
    }

    /** Row lengths around the vector widths (tails) and column blocks past one chunk and one float block. */
    @Test
    void rowTailsAndColumnChunksAgainstDoubleSums() {
        Random r = new Random(12);
        int[][] shapes = {{5, 1, 1}, {7, 13, 1}, {3, 64, 1}, {2, 200, 1}, {1, 67, 5}, {3, 70, 2500}, {1, 8, 3000}, {4, 33, 1030}};
        try (CpuExecution exec = new CpuExecution(2)) {
            for (int[] s : shapes) {
                int outer = s[0];
                int red = s[1];
                int inner = s[2];
                float[] in = random(r, outer * red * inner);
                ReducePlan plan = ReducePlan.of(new int[] {outer, red, inner}, new boolean[] {false, true, false});
                for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.SUM_SQUARE, ReduceOp.MIN}) {
                    float[] expected = reference(op, in, outer, red, inner);
                    float[] out = new float[outer * inner];
                    FloatReductions.reduce(op, in, plan, out, exec);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(expected[i], out[i], 1e-5 * Math.max(1, Math.abs(expected[i])),
                                op + " shape " + java.util.Arrays.toString(s) + " at " + i);
                    }
                }
            }
        }
    }

    private static float[] reference(ReduceOp op, float[] in, int outer, int red, int inner) {
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0;
                for (int k = 0; k < red; k++) {
                    double x = in[(o * red + k) * inner + i];
                    acc = op == ReduceOp.MIN ? Math.min(acc, x) : acc + (op == ReduceOp.SUM_SQUARE ? x * x : x);
                }
                out[o * inner + i] = (float) acc;
            }
        }
        return out;
    }
}
