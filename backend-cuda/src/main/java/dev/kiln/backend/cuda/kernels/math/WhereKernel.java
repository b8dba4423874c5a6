package dev.kiln.backend.cuda.kernels.math;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/** Where(condition, X, Y) for float32 X and Y with three-way broadcasting. Immutable. */
final class WhereKernel implements Kernel {
    private final CudaDevice device;

    WhereKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor c = ctx.tensor(0);
        Tensor a = ctx.tensor(1);
        Tensor b = ctx.tensor(2);
        long[] out = CudaStrides.broadcastShape("Where", CudaStrides.broadcastShape("Where", c.dims(), a.dims()), b.dims());
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(out));
        CudaStrides st = CudaStrides.of(out, CudaStrides.broadcast(c.dims(), out), CudaStrides.broadcast(a.dims(), out),
                CudaStrides.broadcast(b.dims(), out));
        device.launch("where_f32", y.elementCount(), device.in(ctx, 0), device.in(ctx, 1), device.in(ctx, 2), device.address(y),
                y.elementCount(), st);
        ctx.setOutput(0, y);
    }
}
