package dev.kiln.backend.cuda.kernels.reduction;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/** Softmax and LogSoftmax (opset 13 semantics: one axis, default -1) of float32 tensors. Immutable. */
final class SoftmaxKernel implements Kernel {
    private final CudaDevice device;
    private final long axis;
    private final boolean log;

    SoftmaxKernel(KernelRequest request, CudaDevice device, boolean log) {
        this.device = device;
        this.axis = request.node().getInt("axis", -1);
        this.log = log;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] d = x.dims();
        Tensor y = ctx.allocate(DType.FLOAT, x.shape());
        if (d.length == 0) {
            // a scalar is its own one-element axis: softmax 1, log-softmax 0
            device.launch("fill_f32", 1, device.address(y), 1L, log ? 0f : 1f);
            ctx.setOutput(0, y);
            return;
        }
        long a = axis < 0 ? axis + d.length : axis;
        if (a < 0 || a >= d.length) {
            throw new InvalidInputException(ctx.node().opType() + ": axis " + axis + " is out of range for " + x.describe());
        }
        long outer = ReduceKernel.product(d, 0, (int) a);
        long n = d[(int) a];
        long inner = ReduceKernel.product(d, (int) a + 1, d.length);
        device.launchRows("softmax_f32", outer * inner, device.in(ctx, 0), device.address(y), outer, n, inner, log ? 1 : 0);
        ctx.setOutput(0, y);
    }
}
