package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Clip: {@code min(max(x, lo), hi)} with the optional scalar inputs 'min' and 'max' (unbounded when
 * absent). When lo > hi every element becomes hi, as the spec requires; NaN stays NaN.
 */
final class ClipKernel implements Kernel {
    private final CpuExecution execution;

    ClipKernel(CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor lo = bound(ctx, 1, "min", x);
        Tensor hi = bound(ctx, 2, "max", x);
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        int n = x.size();
        switch (ComputeDomain.of(x.dtype())) {
            case FLOAT32 -> {
                float l = lo == null ? Float.NEGATIVE_INFINITY : lo.getFloat(0);
                float h = hi == null ? Float.POSITIVE_INFINITY : hi.getFloat(0);
                float[] xs = x.floatData();
                float[] ys = y.floatData();
                execution.parallelFor(n, 1, (s, e) -> clip(xs, ys, s, e, l, h));
            }
            case HALF -> {
                float l = lo == null ? Float.NEGATIVE_INFINITY : lo.getFloat(0);
                float h = hi == null ? Float.POSITIVE_INFINITY : hi.getFloat(0);
                float[] block = new float[Math.min(ElementCodec.BLOCK, n)];
                for (int p = 0; p < n; p += block.length) {
                    int len = Math.min(block.length, n - p);
                    ElementCodec.toFloat(x, p, block, 0, len);
                    clip(block, block, 0, len, l, h);
                    ElementCodec.fromFloat(block, 0, y, p, len);
                }
            }
            case FLOAT64 -> {
                double l = lo == null ? Double.NEGATIVE_INFINITY : lo.getDouble(0);
                double h = hi == null ? Double.POSITIVE_INFINITY : hi.getDouble(0);
                double[] xs = x.doubleData();
                double[] ys = y.doubleData();
                for (int i = 0; i < n; i++) {
                    ys[i] = Math.min(Math.max(xs[i], l), h);
                }
            }
            case INTEGER -> {
                if (x.dtype() == DType.BOOL) {
                    throw new InvalidInputException("Clip input 'input': expected a numeric tensor, got " + x.describe());
                }
                clipIntegers(x, lo, hi, y);
            }
            default -> throw new InvalidInputException("Clip input 'input': expected a numeric tensor, got " + x.describe());
        }
        ctx.setOutput(0, y);
    }

    private static void clip(float[] x, float[] y, int from, int to, float lo, float hi) {
        for (int i = from; i < to; i++) {
            y[i] = Math.min(Math.max(x[i], lo), hi);
        }
    }

    private static void clipIntegers(Tensor x, Tensor lo, Tensor hi, Tensor y) {
        // uint64 compares as unsigned: flipping the sign bit maps unsigned order onto signed order
        long flip = x.dtype() == DType.UINT64 ? Long.MIN_VALUE : 0;
        long l = lo == null ? Long.MIN_VALUE : lo.getLong(0) ^ flip;
        long h = hi == null ? Long.MAX_VALUE : hi.getLong(0) ^ flip;
        int n = x.size();
        long[] block = new long[Math.min(ElementCodec.BLOCK, n)];
        for (int p = 0; p < n; p += block.length) {
            int len = Math.min(block.length, n - p);
            ElementCodec.toLong(x, p, block, 0, len);
            for (int i = 0; i < len; i++) {
                block[i] = Math.min(Math.max(block[i] ^ flip, l), h) ^ flip;
            }
            ElementCodec.fromLong(block, 0, y, p, len);
        }
    }

    private static Tensor bound(KernelContext ctx, int index, String name, Tensor x) {
        if (!ctx.hasInput(index)) {
            return null;
        }
        Tensor t = ctx.tensor(index);
        if (t.dtype() != x.dtype() || t.elementCount() != 1) {
            throw new InvalidInputException("Clip input '" + name + "': expected a scalar " + x.dtype() + ", got " + t.describe());
        }
        return t;
    }
}
