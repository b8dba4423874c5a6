package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.NumericArrays;

/**
 * ArgMax and ArgMin: the int64 index of the first (or, with select_last_index, the last) extreme value
 * along the axis. float32 is compared in place; other types through order keys (NaN counts as largest).
 */
public final class ArgExtremumKernel implements Kernel {
    private final boolean max;
    private final long axis;
    private final boolean keepDims;
    private final boolean last;
    private final CpuExecution execution;

    public ArgExtremumKernel(boolean max, KernelRequest request, CpuExecution execution) {
        this.max = max;
        this.axis = request.node().getInt("axis", 0);
        this.keepDims = request.node().getInt("keepdims", 1) != 0;
        this.last = request.node().getInt("select_last_index", 0) != 0;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!NumericArrays.numeric(x.dtype())) {
            throw new InvalidInputException("input 'data': expected a numeric tensor, got " + x.describe());
        }
        int a = Args.axis(axis, x.rank(), "attribute 'axis'");
        int[] dims = x.shape().intDims();
        int n = dims[a];
        if (n == 0) {
            throw new InvalidInputException("input 'data' " + x.describe() + ": axis " + a + " is empty, so it has no extreme value");
        }
        long[] outDims = keepDims ? x.dims() : new long[x.rank() - 1];
        if (keepDims) {
            outDims[a] = 1;
        } else {
            for (int k = 0, j = 0; k < x.rank(); k++) {
                if (k != a) {
                    outDims[j++] = dims[k];
                }
            }
        }
        Tensor y = ctx.allocate(DType.INT64, Shape.of(outDims));
        long[] out = y.longData();
        int inner = Args.product(dims, a + 1, dims.length);
        int sign = max ? 1 : -1;
        Object keys = x.dtype() == DType.FLOAT ? null : NumericArrays.orderKeys(x);
        float[] f = x.dtype() == DType.FLOAT ? x.floatData() : null;
        execution.parallelFor(out.length, n, (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = (o / inner) * n * inner + o % inner;
                int best = 0;
                for (int i = 1; i < n; i++) {
                    int c = f != null ? compare(f[base + i * inner], f[base + best * inner])
                            : NumericArrays.compare(keys, base + i * inner, base + best * inner);
                    c *= sign;
                    if (c > 0 || (c == 0 && last)) {
                        best = i;
                    }
                }
                out[o] = best;
            }
        });
        ctx.setOutput(0, y);
    }

    private static int compare(float a, float b) {
        return a < b ? -1 : a > b ? 1 : a == b ? 0 : Float.compare(a, b);
    }
}
