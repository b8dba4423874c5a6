package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/**
 * Constant with a {@code value} tensor attribute (the form exporters write; the claim refuses the others):
 * uploaded once when the kernel is compiled and handed out on every run. The runtime never releases a
 * tensor a kernel did not allocate through its context, so the copy lives until the backend closes.
 * Immutable.
 */
final class ConstantKernel implements Kernel {
    private final Tensor value;

    ConstantKernel(KernelRequest request, CudaDevice device) {
        this.value = device.upload(request.node().attribute("value").asTensor());
    }

    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, value);
    }
}
