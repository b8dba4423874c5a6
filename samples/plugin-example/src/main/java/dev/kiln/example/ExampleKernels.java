package dev.kiln.example;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Kernels of the example backend: elementwise unary, broadcasting binary, and MatMul. Stateless, thread-safe. */
final class ExampleKernels {
    private ExampleKernels() {
    }

    /** The float array behind a tensor: our own memory, or (defensively) a host float32 tensor. */
    static float[] floats(Tensor t) {
        if (t.deviceMemory() instanceof ExampleMemory m) {
            if (m.isReleased()) {
                throw new IllegalStateException("example backend: a kernel was given released memory");
            }
            return m.data;
        }
        if (t.isHost() && t.dtype() == DType.FLOAT) {
            return t.floatData();
        }
        throw new InvalidInputException("example backend: expected a float32 tensor in example or host memory, got " + t.describe());
    }

    static Kernel unary(DoubleUnaryOperator f) {
        return ctx -> {
            Tensor x = ctx.tensor(0);
            float[] in = floats(x);
            Tensor y = ctx.allocate(DType.FLOAT, x.shape());
            float[] out = floats(y);
            for (int i = 0; i < in.length; i++) {
                out[i] = (float) f.applyAsDouble(in[i]);
            }
            ctx.setOutput(0, y);
        };
    }

    static Kernel binary(DoubleBinaryOperator f) {
        return ctx -> {
            Tensor a = ctx.tensor(0);
            Tensor b = ctx.tensor(1);
            long[] dims = broadcast(ctx, a.dims(), b.dims());
            Tensor y = ctx.allocate(DType.FLOAT, Shape.of(dims));
            float[] out = floats(y);
            float[] x1 = floats(a);
            float[] x2 = floats(b);
            int[] sa = broadcastStrides(a.dims(), dims);
            int[] sb = broadcastStrides(b.dims(), dims);
            int[] index = new int[dims.length];
            int ia = 0;
            int ib = 0;
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) f.applyAsDouble(x1[ia], x2[ib]);
                // odometer step over the output index; the input offsets follow with their (zero for broadcast) strides
                for (int d = dims.length - 1; d >= 0; d--) {
                    ia += sa[d];
                    ib += sb[d];
                    if (++index[d] < dims[d]) {
                        break;
                    }
                    ia -= sa[d] * (int) dims[d];
                    ib -= sb[d] * (int) dims[d];
                    index[d] = 0;
                }
            }
            ctx.setOutput(0, y);
        };
    }

    /** The numpy-style broadcast of two shapes; throws naming both when they do not broadcast. */
    static long[] broadcast(KernelContext ctx, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new InvalidInputException(ctx.node().opType() + ": shapes " + Shape.of(a) + " and " + Shape.of(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Element strides of {@code in} aligned to the output's rank; 0 where a dimension is broadcast. */
    static int[] broadcastStrides(long[] in, long[] out) {
        int[] s = new int[out.length];
        int stride = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            int o = i + out.length - in.length;
            s[o] = in[i] == 1 ? 0 : stride;
            stride *= (int) in[i];
        }
        return s;
    }
}
