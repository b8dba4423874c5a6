package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/** Transpose (perm, default reversed axes) as one strided copy with permuted input strides. Immutable. */
final class TransposeKernel implements Kernel {
    private final CudaDevice device;

    TransposeKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int r = x.rank();
        long[] perm = ctx.node().getInts("perm", null);
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw new InvalidInputException("Transpose: perm has " + perm.length + " entries for " + x.describe());
        }
        long[] in = x.dims();
        long[] own = CudaStrides.contiguous(in);
        long[] out = new long[r];
        long[] src = new long[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int p = (int) perm[i];
            if (p < 0 || p >= r || seen[p]) {
                throw new InvalidInputException("Transpose: perm " + java.util.Arrays.toString(perm) + " is not a permutation of 0.." + (r - 1));
            }
            seen[p] = true;
            out[i] = in[p];
            src[i] = own[p];
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(out));
        CudaCopies.strided(device, device.in(ctx, 0), device.address(y), y.elementCount(), 0, 0,
                CudaStrides.of(out, src, CudaStrides.contiguous(out)), x.dtype().byteSize());
        ctx.setOutput(0, y);
    }
}
