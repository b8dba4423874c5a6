package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;

/**
 * CumProd (opset 26): running product along one axis, optionally exclusive (starting from 1) and/or
 * reversed. Floating types multiply with one rounding per step to the element type, as a loop in that
 * type would; integers multiply in long and wrap to their width like C. Immutable and thread-safe.
 */
public final class CumProdKernel implements Kernel {
    private final boolean exclusive;
    private final boolean reverse;

    public CumProdKernel(KernelRequest request) {
        this.exclusive = request.node().getInt("exclusive", 0) != 0;
        this.reverse = request.node().getInt("reverse", 0) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        ScanAxis g = ScanAxis.of(ctx);
        Tensor x = g.x();
        DType t = x.dtype();
        Tensor y = ctx.allocate(t, x.shape());
        boolean integral = NumericArrays.integral(t);
        long[] ints = integral ? NumericArrays.longs(x) : null;
        double[] reals = integral ? null : NumericArrays.doubles(x);
        for (int o = 0; o < g.outer(); o++) {
            for (int i = 0; i < g.inner(); i++) {
                long li = 1;
                double di = 1;
                for (int step = 0; step < g.length(); step++) {
                    int e = g.index(o, step, i, reverse);
                    if (integral) {
                        long v = ints[e];
                        ints[e] = exclusive ? li : li * v;
                        li *= v;
                    } else {
                        double v = reals[e];
                        double next = round(di * v, t);
                        reals[e] = exclusive ? di : next;
                        di = next;
                    }
                }
            }
        }
        if (integral) {
            NumericArrays.store(ints, y);
        } else {
            NumericArrays.store(reals, y);
        }
        ctx.setOutput(0, y);
    }

    private static double round(double v, DType t) {
        return switch (t) {
            case FLOAT -> (float) v;
            case FLOAT16 -> FloatFormats.halfToFloat(FloatFormats.floatToHalf((float) v));
            case BFLOAT16 -> FloatFormats.bfloat16ToFloat(FloatFormats.floatToBfloat16((float) v));
            default -> v;
        };
    }
}
