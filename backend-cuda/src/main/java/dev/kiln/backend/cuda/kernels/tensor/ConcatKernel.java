package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/** Concat along {@code axis}: one strided copy per input into its slab of the output. Immutable. */
final class ConcatKernel implements Kernel {
    private final CudaDevice device;
    private final long axis;

    ConcatKernel(CudaDevice device, long axis) {
        this.device = device;
        this.axis = axis;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor first = ctx.tensor(0);
        int r = first.rank();
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new InvalidInputException("Concat: axis " + axis + " is out of range for " + first.describe());
        }
        long[] out = first.dims();
        out[(int) a] = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.tensor(i);
            for (int d = 0; d < r; d++) {
                if (t.rank() != r || (d != a && t.dim(d) != out[d]) || t.dtype() != first.dtype()) {
                    throw new InvalidInputException("Concat: input " + i + " is " + t.describe() + "; expected " + first.dtype().typeName()
                            + " of rank " + r + " matching " + first.describe() + " except on axis " + a);
                }
            }
            out[(int) a] += t.dim((int) a);
        }
        Tensor y = ctx.allocate(first.dtype(), Shape.of(out));
        long[] outStrides = CudaStrides.contiguous(out);
        long offset = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.tensor(i);
            long[] d = t.dims();
            CudaCopies.strided(device, device.in(ctx, i), device.address(y), t.elementCount(), 0, offset * outStrides[(int) a],
                    CudaStrides.of(d, CudaStrides.contiguous(d), outStrides), first.dtype().byteSize());
            offset += d[(int) a];
        }
        ctx.setOutput(0, y);
    }
}
