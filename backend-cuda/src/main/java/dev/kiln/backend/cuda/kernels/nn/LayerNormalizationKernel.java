package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * LayerNormalization (opset 17; also dev.kiln's fused form) of float32 X over the axes from {@code axis}
 * on, with Scale and the optional B holding one value per normalized element. Outputs Y and, when asked,
 * Mean and InvStdDev (shape of X with the normalized axes set to 1). Immutable.
 */
final class LayerNormalizationKernel implements Kernel {
    private final CudaDevice device;
    private final long axis;
    private final float epsilon;

    LayerNormalizationKernel(KernelRequest request, CudaDevice device) {
        this.device = device;
        this.axis = request.node().getInt("axis", -1);
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] d = x.dims();
        long a = axis < 0 ? axis + d.length : axis;
        if (a < 0 || a >= d.length) {
            throw new InvalidInputException("LayerNormalization: axis " + axis + " is out of range for " + x.describe());
        }
        long rows = 1;
        long n = 1;
        long[] statDims = d.clone();
        for (int i = 0; i < d.length; i++) {
            if (i < a) {
                rows *= d[i];
            } else {
                n *= d[i];
                statDims[i] = 1;
            }
        }
        Tensor scale = ctx.tensor(1);
        if (scale.elementCount() != n || (ctx.hasInput(2) && ctx.tensor(2).elementCount() != n)) {
            throw new UnsupportedOpException("LayerNormalization", ctx.node().domain(), ctx.opsetVersion(),
                    "the cuda kernel needs Scale and B with one value per normalized element (" + n + "), got "
                            + scale.describe() + (ctx.hasInput(2) ? " and " + ctx.tensor(2).describe() : ""));
        }
        Tensor y = ctx.allocate(DType.FLOAT, x.shape());
        Tensor mean = ctx.allocate(DType.FLOAT, Shape.of(statDims));
        Tensor inv = ctx.allocate(DType.FLOAT, Shape.of(statDims));
        DevicePointer bias = ctx.hasInput(2) ? device.in(ctx, 2) : DevicePointer.NULL;
        device.launchRows("layer_norm_f32", rows, device.in(ctx, 0), device.in(ctx, 1), bias, device.address(y),
                device.address(mean), device.address(inv), rows, n, epsilon);
        ctx.setOutput(0, y);
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            ctx.setOutput(1, mean);
        }
        if (ctx.outputCount() > 2 && ctx.isOutputRequested(2)) {
            ctx.setOutput(2, inv);
        }
    }
}
