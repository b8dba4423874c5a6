package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;

/**
 * Gather (axis) of 4- or 8-byte data with int64 or int32 indices; negative indices count from the end.
 * An index out of range is an error: the kernel raises a flag that is read back after the launch (one
 * small synchronous copy per Gather, the price of not failing silently). Immutable.
 */
final class GatherKernel implements Kernel {
    private final CudaDevice device;
    private final long axis;

    GatherKernel(CudaDevice device, long axis) {
        this.device = device;
        this.axis = axis;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor idx = ctx.tensor(1);
        long[] d = x.dims();
        long a = axis < 0 ? axis + d.length : axis;
        if (a < 0 || a >= d.length) {
            throw new InvalidInputException("Gather: axis " + axis + " is out of range for " + x.describe());
        }
        long[] id = idx.dims();
        long[] out = new long[d.length - 1 + id.length];
        long outer = 1;
        long inner = 1;
        int k = 0;
        for (int i = 0; i < a; i++) {
            out[k++] = d[i];
            outer *= d[i];
        }
        for (long v : id) {
            out[k++] = v;
        }
        for (int i = (int) a + 1; i < d.length; i++) {
            out[k++] = d[i];
            inner *= d[i];
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(out));
        Tensor bad = ctx.allocate(DType.INT32, Shape.of(1));
        String kernel = "gather_" + x.dtype().byteSize() + (idx.dtype() == DType.INT64 ? "_i64" : "_i32");
        device.launch(kernel, y.elementCount(), device.in(ctx, 0), device.in(ctx, 1), device.address(y), outer, d[(int) a],
                idx.elementCount(), inner, device.address(bad));
        if (y.elementCount() > 0 && device.longs(bad)[0] != 0) {
            throw new InvalidInputException("Gather: an index in " + idx.describe() + " is outside [-" + d[(int) a] + ", "
                    + d[(int) a] + ") for axis " + a + " of " + x.describe());
        }
        ctx.setOutput(0, y);
    }
}
