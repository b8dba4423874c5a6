package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.Elements;

/**
 * CenterCropPad (opsets 18+): each listed axis is center-cropped or zero-padded to the given size; when the
 * difference is odd the extra element is cropped from or padded at the end. Works on any element type.
 */
final class CenterCropPadKernel implements Kernel {
    private final long[] axes;

    CenterCropPadKernel(long[] axes) {
        this.axes = axes;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] target = Args.vector(ctx.tensor(1), "CenterCropPad shape");
        int rank = x.rank();
        int[] ax = axes == null ? identity(rank) : Args.axes(axes, rank, "CenterCropPad axes");
        if (target.length != ax.length) {
            throw new InvalidInputException("CenterCropPad shape: expected " + ax.length + " sizes (one per axis), got " + target.length);
        }
        int[] inDims = x.shape().intDims();
        int[] outDims = inDims.clone();
        int[] shift = new int[rank];
        for (int i = 0; i < ax.length; i++) {
            int a = ax[i];
            outDims[a] = Args.size(target[i], "CenterCropPad shape[" + i + "]");
            // a source index is output index + shift; negative shift pads at the front
            shift[a] = inDims[a] >= outDims[a] ? (inDims[a] - outDims[a]) / 2 : -((outDims[a] - inDims[a]) / 2);
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(Args.toLongs(outDims)));
        int total = Args.product(outDims, 0, rank);
        int[] idx = new int[rank];
        for (int o = 0; o < total; o++) {
            int src = 0;
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                int s = idx[d] + shift[d];
                inside &= s >= 0 && s < inDims[d];
                src = src * inDims[d] + s;
            }
            if (inside) {
                Elements.copy(x.data(), src, y.data(), o, 1);
            }
            for (int d = rank - 1; d >= 0 && ++idx[d] == outDims[d]; d--) {
                idx[d] = 0;
            }
        }
        ctx.setOutput(0, y);
    }

    private static int[] identity(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }
}
