package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.Elements;

/**
 * MaxUnpool (opsets 9 to 22): scatters X into a zero tensor at the flat indices I that MaxPool reported. Indices address the
 * unpooled shape {@code (in - 1) * stride + kernel - pad_begin - pad_end}; a given {@code output_shape} keeps each
 * element's coordinates in it.
 */
final class MaxUnpoolKernel implements Kernel {
    private final long[] kernel;
    private final long[] pads;
    private final long[] strides;

    MaxUnpoolKernel(KernelRequest request) {
        this.kernel = request.node().getInts("kernel_shape", null);
        if (kernel == null) {
            throw Args.unsupported(request, "attribute 'kernel_shape' is required");
        }
        this.pads = request.node().getInts("pads", null);
        this.strides = request.node().getInts("strides", null);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] indices = Args.longs(ctx.tensor(1), "MaxUnpool I");
        int r = x.rank() - 2;
        if (r != kernel.length || indices.length != x.elementCount()) {
            throw new InvalidInputException("MaxUnpool: expected X of rank " + (kernel.length + 2) + " and I of its shape, got "
                    + x.describe() + " and " + ctx.tensor(1).describe());
        }
        long[] natural = x.dims().clone();
        for (int d = 0; d < r; d++) {
            long stride = strides == null ? 1 : strides[d];
            long padSum = pads == null ? 0 : pads[d] + pads[d + r];
            natural[d + 2] = (x.dim(d + 2) - 1) * stride + kernel[d] - padSum;
        }
        long[] outDims = ctx.inputCount() > 2 && ctx.hasInput(2) ? Args.vector(ctx.tensor(2), "MaxUnpool output_shape") : natural;
        if (outDims.length != natural.length) {
            throw new InvalidInputException("MaxUnpool output_shape: expected " + natural.length + " values, got " + outDims.length);
        }
        int[] naturalDims = toInts(natural);
        int[] outInts = toInts(outDims);
        long naturalCount = Args.product(naturalDims, 0, naturalDims.length);
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outDims));
        int[] coord = new int[naturalDims.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= naturalCount) {
                throw new InvalidInputException("MaxUnpool I: index " + indices[i] + " is outside the unpooled shape of " + naturalCount
                        + " elements");
            }
            // indices address the unpadded unpooled shape; a larger output_shape keeps each element's coordinates
            Col2ImKernel.unravel((int) indices[i], naturalDims, coord);
            int dst = 0;
            boolean inside = true;
            for (int d = 0; d < coord.length; d++) {
                inside &= coord[d] < outInts[d];
                dst = dst * outInts[d] + coord[d];
            }
            if (inside) {
                Elements.copy(x.data(), i, y.data(), dst, 1);
            }
        }
        ctx.setOutput(0, y);
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Args.size(v[i], "MaxUnpool shape value");
        }
        return out;
    }
}
