package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/** Shape (with the start/end window, clamped to [0, rank]) and Size: int64 facts about the input's shape. */
public final class ShapeKernel implements Kernel {
    private final boolean size;
    private final long start;
    private final Long end;

    private ShapeKernel(Node node, boolean size) {
        this.size = size;
        this.start = node.getInt("start", 0);
        this.end = node.hasAttribute("end") ? node.getInt("end", 0) : null;
    }

    public static ShapeKernel shape(Node node) {
        return new ShapeKernel(node, false);
    }

    public static ShapeKernel size(Node node) {
        return new ShapeKernel(node, true);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (size) {
            ctx.setOutput(0, Tensor.scalar(x.elementCount()));
            return;
        }
        int rank = x.rank();
        int from = clamp(start, rank);
        int to = end == null ? rank : clamp(end, rank);
        long[] dims = from < to ? Arrays.copyOfRange(x.dims(), from, to) : new long[0];
        ctx.setOutput(0, Tensor.of(dims, dims.length));
    }

    private static int clamp(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, a));
    }
}
