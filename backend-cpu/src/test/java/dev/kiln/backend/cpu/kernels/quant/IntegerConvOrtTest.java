package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ConvInteger and QLinearConv against ONNX Runtime on random 8-bit inputs with padding, strides and groups. */
class IntegerConvOrtTest {
    private static final int OPSET = 10;
    private final Random random = new Random(13);

    private Tensor ints(DType t, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        long[] v = new long[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = t == DType.UINT8 ? random.nextInt(256) : random.nextInt(256) - 128;
        }
        Tensor out = Tensor.zeros(t, dims);
        ElementCodec.fromLong(v, 0, out, 0, v.length);
        return out;
    }

    @Test
    void convIntegerMatchesOrt() {
        Node padded = Node.builder("ConvInteger").inputs("x", "w", "xz", "wz").output("y").attr("pads", 1L, 0L, 1L, 2L)
                .attr("strides", 1L, 2L).build();
        KernelHarness.assertMatchesOrt(padded, OPSET, 0, 0, ints(DType.UINT8, 2, 3, 7, 8), ints(DType.UINT8, 4, 3, 3, 3),
                ints(DType.UINT8), ints(DType.UINT8));
        Node grouped = Node.builder("ConvInteger").inputs("x", "w", "xz").output("y").attr("group", 2L).build();
        KernelHarness.assertMatchesOrt(grouped, OPSET, 0, 0, ints(DType.UINT8, 1, 4, 6, 5), ints(DType.UINT8, 6, 2, 2, 2),
                ints(DType.UINT8));
    }

    @Test
    void qlinearConvMatchesOrt() {
        Node n = Node.builder("QLinearConv").inputs("x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b").output("y")
                .attr("pads", 1L, 1L, 1L, 1L).build();
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            Tensor x = ints(t, 2, 3, 6, 6);
            Tensor w = ints(DType.INT8, 5, 3, 3, 3);
            Tensor ws = Tensor.of(new float[] {0.01f, 0.02f, 0.005f, 0.03f, 0.015f}, 5);
            int[] b = new int[5];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(2000) - 1000;
            }
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, x, Tensor.of(new float[] {0.05f}), ints(t), w, ws, Tensor.zeros(DType.INT8, 5),
                    Tensor.of(new float[] {0.4f}), ints(t), Tensor.of(b, 5));
        }
    }
}
