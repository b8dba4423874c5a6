package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * CumSum along one axis, optionally exclusive and/or reversed. float32 accumulates in float like the
 * reference; other floating types in double, integers in long (wrapping like C).
 */
public final class CumSumKernel implements Kernel {
    private final boolean exclusive;
    private final boolean reverse;

    public CumSumKernel(KernelRequest request) {
        this.exclusive = request.node().getInt("exclusive", 0) != 0;
        this.reverse = request.node().getInt("reverse", 0) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        ScanAxis g = ScanAxis.of(ctx);
        Tensor x = g.x();
        DType t = x.dtype();
        int outer = g.outer();
        int n = g.length();
        int inner = g.inner();
        Tensor y = ctx.allocate(t, x.shape());
        if (t == DType.FLOAT) {
            float[] in = x.floatData();
            float[] out = y.floatData();
            float[] acc = new float[inner];
            for (int o = 0; o < outer; o++) {
                java.util.Arrays.fill(acc, 0f);
                for (int s = 0; s < n; s++) {
                    int base = (o * n + (reverse ? n - 1 - s : s)) * inner;
                    for (int i = 0; i < inner; i++) {
                        float v = in[base + i];
                        out[base + i] = exclusive ? acc[i] : acc[i] + v;
                        acc[i] += v;
                    }
                }
            }
        } else if (NumericArrays.integral(t)) {
            long[] in = NumericArrays.longs(x);
            long[] out = new long[in.length];
            long[] acc = new long[inner];
            for (int o = 0; o < outer; o++) {
                java.util.Arrays.fill(acc, 0L);
                for (int s = 0; s < n; s++) {
                    int base = (o * n + (reverse ? n - 1 - s : s)) * inner;
                    for (int i = 0; i < inner; i++) {
                        long v = in[base + i];
                        out[base + i] = exclusive ? acc[i] : acc[i] + v;
                        acc[i] += v;
                    }
                }
            }
            NumericArrays.store(out, y);
        } else {
            double[] in = NumericArrays.doubles(x);
            double[] out = new double[in.length];
            double[] acc = new double[inner];
            for (int o = 0; o < outer; o++) {
                java.util.Arrays.fill(acc, 0d);
                for (int s = 0; s < n; s++) {
                    int base = (o * n + (reverse ? n - 1 - s : s)) * inner;
                    for (int i = 0; i < inner; i++) {
                        double v = in[base + i];
                        out[base + i] = exclusive ? acc[i] : acc[i] + v;
                        acc[i] += v;
                    }
                }
            }
            NumericArrays.store(out, y);
        }
        ctx.setOutput(0, y);
    }
}
