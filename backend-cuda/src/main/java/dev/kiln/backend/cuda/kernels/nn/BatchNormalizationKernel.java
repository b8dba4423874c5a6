package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/**
 * Inference-mode BatchNormalization (training_mode 0; the claim refuses the training form) of float32
 * [N, C, ...]: y = (x - mean) / sqrt(var + epsilon) * scale + B per channel. Immutable.
 */
final class BatchNormalizationKernel implements Kernel {
    private final CudaDevice device;
    private final float epsilon;

    BatchNormalizationKernel(KernelRequest request, CudaDevice device) {
        this.device = device;
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() < 2) {
            throw new InvalidInputException("BatchNormalization: expected [N, C, ...], got " + x.describe());
        }
        long c = x.dim(1);
        for (int i = 1; i <= 4; i++) {
            if (ctx.tensor(i).elementCount() != c) {
                throw new InvalidInputException("BatchNormalization: input " + i + " is " + ctx.tensor(i).describe() + "; expected " + c + " values");
            }
        }
        long spatial = c == 0 ? 0 : x.elementCount() / (x.dim(0) * c);
        Tensor y = ctx.allocate(DType.FLOAT, x.shape());
        device.launch("batch_norm_f32", y.elementCount(), device.in(ctx, 0), device.in(ctx, 1), device.in(ctx, 2), device.in(ctx, 3),
                device.in(ctx, 4), device.address(y), x.dim(0), c, spatial, epsilon);
        ctx.setOutput(0, y);
    }
}
