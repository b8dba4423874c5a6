package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/** Expand(input, shape): the input broadcast (both ways, numpy rules) with the target shape. Immutable. */
final class ExpandKernel implements Kernel {
    private final CudaDevice device;

    ExpandKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] out = CudaStrides.broadcastShape("Expand", x.dims(), device.longs(ctx.tensor(1)));
        ctx.setOutput(0, CudaCopies.expand(device, ctx, x.dtype(), x.dims(), device.in(ctx, 0), out));
    }
}
