package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;

/** Trilu: each matrix row keeps one contiguous column range (j - i >= k for upper, <= k for lower); the rest stays zero. */
public final class TriluKernel implements Kernel {
    private final boolean upper;

    public TriluKernel(KernelRequest request) {
        this.upper = request.node().getInt("upper", 1) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        if (rank < 2) {
            throw new InvalidInputException("input 'input': expected rank 2 or more, got " + x.describe());
        }
        long k = ctx.hasInput(1) ? Args.scalarLong(ctx.tensor(1), "input 'k'") : 0;
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        int slots = x.dtype().slotsPerElement();
        int rows = (int) x.dim(rank - 2);
        int cols = (int) x.dim(rank - 1);
        int matrices = rows * cols == 0 ? 0 : x.size() / (rows * cols);
        Object src = x.data();
        Object dst = y.data();
        for (int m = 0; m < matrices; m++) {
            for (int i = 0; i < rows; i++) {
                long from = upper ? Math.max(0, i + k) : 0;
                long to = upper ? cols : Math.min(cols, i + k + 1);
                if (from < to) {
                    int pos = ((m * rows + i) * cols + (int) from) * slots;
                    Elements.copy(src, pos, dst, pos, (int) (to - from) * slots);
                }
            }
        }
        ctx.setOutput(0, y);
    }
}
