package dev.kiln.backend.cuda.kernels.math;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * A float32 unary op of {@link CudaUnaryOp}: one launch of {@code unary_f32} over the elements. LeakyRelu
 * reads {@code alpha} (default 0.01); Gelu reads {@code approximate} ("none" or "tanh"). Immutable.
 */
final class UnaryKernel implements Kernel {
    private final CudaDevice device;
    private final int code;
    private final float alpha;

    UnaryKernel(KernelRequest request, CudaDevice device, CudaUnaryOp op) {
        this.device = device;
        this.code = op == CudaUnaryOp.GELU && "tanh".equals(request.node().getString("approximate", "none"))
                ? CudaUnaryOp.GELU_TANH : op.code;
        this.alpha = request.node().getFloat("alpha", 0.01f);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DevicePointer in = device.in(ctx, 0);
        Tensor y = ctx.allocate(DType.FLOAT, x.shape());
        device.launch("unary_f32", x.elementCount(), in, device.address(y), x.elementCount(), code, alpha);
        ctx.setOutput(0, y);
    }
}
