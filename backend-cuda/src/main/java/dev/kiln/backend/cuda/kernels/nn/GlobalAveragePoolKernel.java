package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/** GlobalAveragePool of float32 [N, C, spatial...]: the mean of each plane, shape [N, C, 1, ...]. Immutable. */
final class GlobalAveragePoolKernel implements Kernel {
    /** reduce.cu's R_MEAN. */
    private static final int MEAN = 1;
    private final CudaDevice device;

    GlobalAveragePoolKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() < 2) {
            throw new InvalidInputException("GlobalAveragePool: expected [N, C, ...], got " + x.describe());
        }
        long[] out = x.dims();
        long spatial = 1;
        for (int i = 2; i < out.length; i++) {
            spatial *= out[i];
            out[i] = 1;
        }
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(out));
        long planes = x.dim(0) * x.dim(1);
        device.launchRows("reduce_f32", planes, device.in(ctx, 0), device.address(y), planes, spatial, 1L, MEAN);
        ctx.setOutput(0, y);
    }
}
