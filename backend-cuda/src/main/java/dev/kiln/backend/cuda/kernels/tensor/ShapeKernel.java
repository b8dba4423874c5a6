package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;

/**
 * Shape (attributes start, end) and Size. They read only metadata, so they run on the host and give host
 * int64 tensors: a device tensor is never copied just to learn its shape. Immutable.
 */
final class ShapeKernel implements Kernel {
    private final boolean size;

    ShapeKernel(boolean size) {
        this.size = size;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (size) {
            ctx.setOutput(0, Tensor.scalar(x.elementCount()));
            return;
        }
        long[] d = x.dims();
        int r = d.length;
        long start = clamp(ctx.node().getInt("start", 0), r);
        long end = clamp(ctx.node().getInt("end", r), r);
        long[] out = new long[(int) Math.max(0, end - start)];
        System.arraycopy(d, (int) start, out, 0, out.length);
        ctx.setOutput(0, Tensor.of(out, out.length));
    }

    private static long clamp(long v, int rank) {
        long a = v < 0 ? v + rank : v;
        return Math.max(0, Math.min(rank, a));
    }
}
