package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/** 2-D MaxPool of float32 NCHW input (ceil_mode 0, no Indices output; the claim checks both). Immutable. */
final class MaxPoolKernel implements Kernel {
    private final KernelRequest request;
    private final CudaDevice device;
    private final long[] kernel;

    MaxPoolKernel(KernelRequest request, CudaDevice device) {
        this.request = request;
        this.device = device;
        this.kernel = request.node().getInts("kernel_shape", new long[0]);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() != 4 || kernel.length != 2) {
            throw new InvalidInputException("MaxPool: the cuda kernel takes 2-D NCHW input and a 2-D kernel_shape, got " + x.describe());
        }
        ConvGeometry g = ConvGeometry.of(request, "MaxPool", x.dim(2), x.dim(3), kernel[0], kernel[1]);
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(x.dim(0), x.dim(1), g.oh(), g.ow()));
        device.launch("max_pool2d_f32", y.elementCount(), device.in(ctx, 0), device.address(y), x.dim(0) * x.dim(1),
                x.dim(2), x.dim(3), g.oh(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.pt(), g.pl(), g.dh(), g.dw());
        ctx.setOutput(0, y);
    }
}
