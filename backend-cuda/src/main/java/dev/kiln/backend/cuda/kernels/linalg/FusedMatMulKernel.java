package dev.kiln.backend.cuda.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * {@code dev.kiln::FusedMatMul(A, B, bias?)}: MatMul, then one {@code bias_act_f32} pass adding the bias
 * along the last axis and applying the activation (the unary op code given). Immutable.
 */
final class FusedMatMulKernel extends MatMulKernel {
    private final int activation;
    private final float alpha;

    FusedMatMulKernel(CudaDevice device, int activation, float alpha) {
        super(device);
        this.activation = activation;
        this.alpha = alpha;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor y = product(ctx);
        long n = y.rank() == 0 ? 1 : y.dim(y.rank() - 1);
        DevicePointer bias = DevicePointer.NULL;
        if (ctx.hasInput(2)) {
            Tensor b = ctx.tensor(2);
            if (b.elementCount() != n) {
                throw new InvalidInputException("FusedMatMul: bias is " + b.describe() + "; expected " + n + " elements (the output's last axis)");
            }
            bias = device.in(ctx, 2);
        }
        long rows = n == 0 ? 0 : y.elementCount() / n;
        device.launch("bias_act_f32", rows * n, device.address(y), bias, rows, n, activation, alpha);
        ctx.setOutput(0, y);
    }
}
