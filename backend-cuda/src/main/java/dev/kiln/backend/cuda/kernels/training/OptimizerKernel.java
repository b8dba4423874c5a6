package dev.kiln.backend.cuda.kernels.training;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * The frame of the Adam-style optimizers on the GPU, with the input layout of the CPU kernels: {@code R}
 * (scalar learning rate), {@code T} (int64 scalar update count), then the values X_1..X_k, their gradients,
 * and the two state groups V and H; outputs X_new..., V_new..., H_new.... Every tensor of one variable
 * must have that variable's shape. Weights and state stay on the device. Immutable.
 */
abstract class OptimizerKernel implements Kernel {
    final CudaDevice device;
    private final String opType;

    OptimizerKernel(CudaDevice device, String opType) {
        this.device = device;
        this.opType = opType;
    }

    /** Launches the update of one variable of {@code n} elements; pointers for unrequested outputs are NULL. */
    abstract void update(double r, long t, DevicePointer[] in, DevicePointer[] out, long n);

    @Override
    public final void execute(KernelContext ctx) {
        int variadic = ctx.inputCount() - 2;
        if (variadic < 4 || variadic % 4 != 0 || ctx.outputCount() != 3 * (variadic / 4)) {
            throw new InvalidInputException(opType + ": expected R, T and 4 tensors per variable with 3 outputs each, got "
                    + ctx.inputCount() + " inputs and " + ctx.outputCount() + " outputs");
        }
        int k = variadic / 4;
        double r = device.scalar(ctx.tensor(0));
        Tensor tt = ctx.tensor(1);
        if (tt.dtype() != DType.INT64 || tt.elementCount() != 1) {
            throw new InvalidInputException(opType + ": input 'T' must be an int64 scalar, got " + tt.describe());
        }
        long t = device.longs(tt)[0];
        for (int v = 0; v < k; v++) {
            Tensor x = ctx.tensor(2 + v);
            DevicePointer[] in = new DevicePointer[4];
            for (int s = 0; s < 4; s++) {
                Tensor ts = ctx.tensor(2 + s * k + v);
                if (!ts.shape().equals(x.shape()) || ts.dtype() != DType.FLOAT) {
                    throw new InvalidInputException(opType + ": input " + (2 + s * k + v) + " is " + ts.describe()
                            + "; expected float32 of the shape of X_" + (v + 1) + ", " + x.shape());
                }
                in[s] = device.in(ctx, 2 + s * k + v);
            }
            DevicePointer[] out = new DevicePointer[3];
            Tensor[] results = new Tensor[3];
            for (int s = 0; s < 3; s++) {
                int o = s * k + v;
                out[s] = DevicePointer.NULL;
                if (ctx.isOutputRequested(o)) {
                    results[s] = ctx.allocate(DType.FLOAT, x.shape());
                    out[s] = device.address(results[s]);
                }
            }
            update(r, t, in, out, x.elementCount());
            for (int s = 0; s < 3; s++) {
                if (results[s] != null) {
                    ctx.setOutput(s * k + v, results[s]);
                }
            }
        }
    }
}
