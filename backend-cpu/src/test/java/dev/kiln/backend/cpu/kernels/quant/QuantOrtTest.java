package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quantization kernels against ONNX Runtime on random inputs: per tensor, per axis, blocked. The types
 * ORT's Java API cannot pass (uint16, 4-bit, 2-bit, float8, float4) are checked in {@link QuantSpecTest}.
 */
class QuantOrtTest {
    private static final int OPSET = 21;
    private final Random random = new Random(11);

    private Tensor floats(float range, long... dims) {
        float[] v = new float[(int) count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (random.nextFloat() * 2 - 1) * range;
        }
        // exact ties at .5 exercise rounding half to even
        v[0] = 2.5f;
        return Tensor.of(v, dims);
    }

    private Tensor positive(long... dims) {
        float[] v = new float[(int) count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.05f + random.nextFloat() * 0.5f;
        }
        return Tensor.of(v, dims);
    }

    private Tensor ints(DType t, long lo, long hi, long... dims) {
        long[] v = new long[(int) count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (long) (random.nextDouble() * (hi - lo + 1));
        }
        Tensor out = Tensor.zeros(t, dims);
        dev.kiln.backend.cpu.util.ElementCodec.fromLong(v, 0, out, 0, v.length);
        return out;
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    private static Node quant(String op, long axis, long block) {
        Node.Builder b = Node.builder(op).inputs("x", "s", "z").output("y").attr("axis", axis);
        return block > 0 ? b.attr("block_size", block).build() : b.build();
    }

    @Test
    void quantizeLinearMatchesOrt() {
        for (DType t : new DType[] {DType.UINT8, DType.INT8, DType.INT16}) {
            long lo = t.isUnsigned() ? 0 : -3;
            Tensor x = floats(40, 3, 8, 5);
            KernelHarness.assertMatchesOrt(quant("QuantizeLinear", 1, 0), OPSET, 0, 0, x, positive(), ints(t, lo, 3));
            KernelHarness.assertMatchesOrt(quant("QuantizeLinear", 1, 0), OPSET, 0, 0, x, positive(8), ints(t, lo, 3, 8));
            KernelHarness.assertMatchesOrt(quant("QuantizeLinear", -1, 0), OPSET, 0, 0, x, positive(5), ints(t, lo, 3, 5));
            KernelHarness.assertMatchesOrt(quant("QuantizeLinear", 1, 3), OPSET, 0, 0, x, positive(3, 3, 5), ints(t, lo, 3, 3, 3, 5));
        }
        Node noZero = Node.builder("QuantizeLinear").inputs("x", "s").output("y").build();
        KernelHarness.assertMatchesOrt(noZero, OPSET, 0, 0, floats(100, 4, 6), positive());
    }

    @Test
    void dequantizeLinearMatchesOrt() {
        for (DType t : new DType[] {DType.UINT8, DType.INT8, DType.INT16, DType.INT32}) {
            long lo = t.isUnsigned() ? 0 : -8;
            long hi = 120;
            Tensor x = ints(t, lo, hi, 4, 6, 3);
            Tensor z = t == DType.INT32 ? Tensor.zeros(t) : ints(t, lo, hi);
            KernelHarness.assertMatchesOrt(quant("DequantizeLinear", 1, 0), OPSET, 0, 0, x, positive(), z);
            Tensor zAxis = t == DType.INT32 ? Tensor.zeros(t, 6) : ints(t, lo, hi, 6);
            KernelHarness.assertMatchesOrt(quant("DequantizeLinear", 1, 0), OPSET, 0, 0, x, positive(6), zAxis);
            if (t != DType.INT32) {
                KernelHarness.assertMatchesOrt(quant("DequantizeLinear", 1, 4), OPSET, 0, 0, x, positive(4, 2, 3), ints(t, lo, hi, 4, 2, 3));
            }
        }
    }

    @Test
    void dynamicQuantizeLinearMatchesOrt() {
        Node n = Node.builder("DynamicQuantizeLinear").input("x").outputs("y", "s", "z").build();
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, floats(3, 5, 7));
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, positive(20));
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, Tensor.of(new float[] {-1, -2.5f, -0.25f}, 3));
    }

    @Test
    void qlinearMatMulMatchesOrt() {
        Node n = Node.builder("QLinearMatMul").inputs("a", "as", "az", "b", "bs", "bz", "ys", "yz").output("y").build();
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            long lo = t == DType.UINT8 ? 0 : -128;
            long hi = t == DType.UINT8 ? 255 : 127;
            Tensor scaleA = Tensor.of(new float[] {0.02f});
            Tensor scaleB = Tensor.of(new float[] {0.03f});
            Tensor scaleY = Tensor.of(new float[] {0.5f});
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, ints(t, lo, hi, 5, 9), scaleA, ints(t, lo, hi), ints(t, lo, hi, 9, 4), scaleB,
                    ints(t, lo, hi), scaleY, ints(t, lo, hi));
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, ints(t, lo, hi, 2, 3, 9), scaleA, ints(t, lo, hi), ints(t, lo, hi, 2, 9, 4),
                    scaleB, ints(t, lo, hi), scaleY, ints(t, lo, hi));
        }
    }
}
