package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reductions and ArgMax/ArgMin against ONNX Runtime on random inputs. */
class ReductionKernelsOrtTest {
    private static final int OPSET = 21;

    private static Tensor positive(Random r, long... dims) {
        float[] v = new float[(int) (dims[0] * dims[1] * dims[2])];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.1f + r.nextFloat();
        }
        return Tensor.of(v, dims);
    }

    @Test
    void everyReduceOpOverSeveralAxisSets() {
        Random r = new Random(5);
        Tensor x = positive(r, 3, 4, 5);
        long[][] axisSets = {{2}, {0}, {1}, {0, 2}, {}};
        for (ReduceOp op : ReduceOp.values()) {
            for (long[] axes : axisSets) {
                for (long keep = 0; keep <= 1; keep++) {
                    Node n = Node.builder(op.opType()).inputs("x", "a").output("y").attr("keepdims", keep).build();
                    KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-6, x, Tensor.of(axes, axes.length));
                }
            }
        }
    }

    /** Few outer rows and many columns: the shape of the bias gradients of a training step ([8,128,384] to [384]). */
    @Test
    void columnReductionsOfAFewOuterRows() {
        Random r = new Random(8);
        Tensor x = positive(r, 2, 96, 200);
        for (ReduceOp op : ReduceOp.values()) {
            for (long[] axes : new long[][] {{0, 1}, {1}}) {
                Node n = Node.builder(op.opType()).inputs("x", "a").output("y").attr("keepdims", 0L).build();
                KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-6, x, Tensor.of(axes, axes.length));
            }
        }
    }

    @Test
    void argMaxAndArgMin() {
        Random r = new Random(6);
        Tensor x = positive(r, 3, 4, 5);
        for (String op : new String[] {"ArgMax", "ArgMin"}) {
            for (long axis = -3; axis < 3; axis++) {
                Node n = Node.builder(op).input("x").output("y").attr("axis", axis).attr("keepdims", axis & 1).build();
                KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, x);
            }
        }
    }
}
