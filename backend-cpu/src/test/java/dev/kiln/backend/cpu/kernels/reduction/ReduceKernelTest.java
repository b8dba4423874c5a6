package dev.kiln.backend.cpu.kernels.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReduceKernelTest {
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    private static Tensor reduce(String op, Tensor x, long[] axes, long keepDims, long noop) {
        Node n = Node.builder(op).inputs("x", "a").output("y").attr("keepdims", keepDims).attr("noop_with_empty_axes", noop).build();
        return KernelHarness.runOne(n, x, axes == null ? null : Tensor.of(axes, axes.length));
    }

    @Test
    void eachOpOverTheLastAxis() {
        double[][] expected = {
            {6, 15}, {2, 5}, {3, 6}, {1, 4}, {6, 120}, {6, 15}, {Math.sqrt(14), Math.sqrt(77)}, {Math.log(6), Math.log(15)},
            {Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(5) + Math.exp(6))}, {14, 77}};
        ReduceOp[] ops = ReduceOp.values();
        for (int i = 0; i < ops.length; i++) {
            Tensor y = reduce(ops[i].opType(), X, new long[] {1}, 0, 0);
            assertEquals(Shape.of(2), y.shape());
            assertArrayEquals(expected[i], y.toDoubleArray(), 1e-5, ops[i].opType());
        }
    }

    @Test
    void firstAxisKeepDimsAndAllAxesByDefault() {
        Tensor y = reduce("ReduceSum", X, new long[] {-2}, 1, 0);
        assertEquals(Shape.of(1, 3), y.shape());
        assertArrayEquals(new float[] {5, 7, 9}, y.floatData());
        assertArrayEquals(new float[] {21}, reduce("ReduceSum", X, null, 1, 0).floatData());
        assertEquals(Shape.of(1, 1), reduce("ReduceSum", X, null, 1, 0).shape());
    }

    @Test
    void noopWithEmptyAxesStillAppliesTheElementwiseSteps() {
        Tensor y = reduce("ReduceSumSquare", X, new long[0], 1, 1);
        assertArrayEquals(new float[] {1, 4, 9, 16, 25, 36}, y.floatData());
        assertArrayEquals(X.floatData(), reduce("ReduceMean", X, null, 0, 1).floatData());
    }

    /** Sum, mean, max, min and product of one element are that element: the kernel returns the input viewed, bit for bit. */
    @Test
    void reductionsOverNothingReturnTheInputUnchanged() {
        Tensor x = Tensor.of(new float[] {1.5f, Float.NaN, -0f, 4, Float.POSITIVE_INFINITY, 1e-30f}, 2, 1, 3);
        for (String op : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd"}) {
            Tensor empty = reduce(op, x, new long[0], 1, 1);
            assertEquals(Shape.of(2, 1, 3), empty.shape(), op);
            assertArrayEquals(x.floatData(), empty.floatData(), op);
            Tensor unit = reduce(op, x, new long[] {1}, 0, 0);
            assertEquals(Shape.of(2, 3), unit.shape(), op);
            assertArrayEquals(x.floatData(), unit.floatData(), op);
        }
        Tensor ints = Tensor.of(new long[] {7, -3, Long.MAX_VALUE}, 1, 3);
        assertArrayEquals(ints.longData(), reduce("ReduceSum", ints, new long[] {0}, 0, 0).longData());
        assertEquals(Shape.of(3), reduce("ReduceSum", ints, new long[] {0}, 0, 0).shape());
    }

    /** Autodiff's broadcast sums whose axes turn out empty at run time, at a MiniLM attention gradient's shape. */
    @Test
    void emptyAxesWithNoopMatchOrtAtTrainingShape() {
        Random r = new Random(5);
        float[] v = new float[8 * 12 * 128 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        Tensor x = Tensor.of(v, 8, 12, 128, 32);
        for (String op : new String[] {"ReduceSum", "ReduceMean", "ReduceMax"}) {
            Node n = Node.builder(op).inputs("x", "a").output("y").attr("keepdims", 1L).attr("noop_with_empty_axes", 1L).build();
            KernelHarness.assertMatchesOrt(n, 18, 0, 0, x, Tensor.of(new long[0], 0));
        }
    }

    @Test
    void emptySetGivesTheIdentity() {
        Tensor empty = Tensor.of(new float[0], 2, 0, 4);
        long[] axes = {1};
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0}, reduce("ReduceSum", empty, axes, 1, 0).floatData());
        assertEquals(1f, reduce("ReduceProd", empty, axes, 1, 0).floatData()[0]);
        assertEquals(Float.NEGATIVE_INFINITY, reduce("ReduceMax", empty, axes, 1, 0).floatData()[0]);
        assertEquals(Float.NEGATIVE_INFINITY, reduce("ReduceLogSum", empty, axes, 1, 0).floatData()[0]);
        Tensor ints = Tensor.of(new int[0], 0, 3);
        assertEquals(Integer.MIN_VALUE, reduce("ReduceMax", ints, new long[] {0}, 0, 0).intData()[0]);
    }

    @Test
    void integersAndBoolsReduceExactly() {
        Tensor big = Tensor.of(new long[] {1L << 60, 1, 3}, 3);
        assertEquals((1L << 60) + 4, reduce("ReduceSum", big, null, 0, 0).longData()[0]);
        Tensor b = Tensor.of(new boolean[] {false, true, false, false}, 2, 2);
        assertArrayEquals(new boolean[] {true, false}, reduce("ReduceMax", b, new long[] {1}, 0, 0).booleanData());
        Tensor u = Tensor.of(DType.UINT64, new long[] {-1L, 5}, 2);
        assertEquals(-1L, reduce("ReduceMax", u, null, 0, 0).longData()[0]);
    }

    @Test
    void splitReducedAxesMatchNaiveSum() {
        Random r = new Random(3);
        float[] v = new float[3 * 4 * 5 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        Tensor x = Tensor.of(v, 3, 4, 5, 6);
        Tensor y = reduce("ReduceSum", x, new long[] {0, 2}, 0, 0);
        assertEquals(Shape.of(4, 6), y.shape());
        for (int b = 0; b < 4; b++) {
            for (int d = 0; d < 6; d++) {
                double s = 0;
                for (int a = 0; a < 3; a++) {
                    for (int c = 0; c < 5; c++) {
                        s += v[((a * 4 + b) * 5 + c) * 6 + d];
                    }
                }
                assertEquals(s, y.floatData()[b * 6 + d], 1e-5);
            }
        }
    }

    @Test
    void float16MeanIsRoundedBackToHalf() {
        Tensor h = Tensor.of(DType.FLOAT16, new short[] {dev.kiln.api.tensor.FloatFormats.floatToHalf(1f),
                dev.kiln.api.tensor.FloatFormats.floatToHalf(2f)}, 2);
        Tensor y = reduce("ReduceMean", h, null, 0, 0);
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(1.5, y.getDouble(0));
    }
}
