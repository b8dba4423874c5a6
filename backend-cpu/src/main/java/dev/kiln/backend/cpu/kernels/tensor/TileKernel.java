package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * Tile: each output axis of size repeats*dim is viewed as two axes (repeat, index), the repeat axis
 * reading the input with stride 0, so one strided copy does the whole op.
 */
public final class TileKernel implements Kernel {
    private final CpuExecution execution;

    public TileKernel(KernelRequest request, CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] repeats = Args.vector(ctx.tensor(1), "input 'repeats'");
        int rank = x.rank();
        if (repeats.length != rank) {
            throw new InvalidInputException("input 'repeats' " + Arrays.toString(repeats) + ": expected " + rank
                    + " values for input " + x.describe());
        }
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            if (repeats[i] < 0) {
                throw new InvalidInputException("input 'repeats' " + Arrays.toString(repeats) + ": values must be non-negative");
            }
            out[i] = x.dim(i) * repeats[i];
            if (repeats[i] != 0 && out[i] / repeats[i] != x.dim(i)) {
                throw new InvalidInputException("input 'repeats' " + Arrays.toString(repeats) + ": dimension " + i + " of " + x.describe()
                        + " repeated overflows a long");
            }
        }
        Tensor y = ctx.allocate(x.dtype(), Args.outputShape(out, "input 'repeats' " + Arrays.toString(repeats)));
        if (y.elementCount() > 0) {
            int[] in = Args.slotDims(x);
            int[] inStrides = StridedCopy.contiguousStrides(in);
            int[] outSlots = Args.slotDims(y);
            int[] outStrides = StridedCopy.contiguousStrides(outSlots);
            int n = 2 * rank + (in.length - rank);
            int[] dims = new int[n];
            int[] src = new int[n];
            int[] dst = new int[n];
            for (int i = 0; i < rank; i++) {
                dims[2 * i] = (int) repeats[i];
                dst[2 * i] = in[i] * outStrides[i];
                dims[2 * i + 1] = in[i];
                src[2 * i + 1] = inStrides[i];
                dst[2 * i + 1] = outStrides[i];
            }
            if (n > 2 * rank) {
                dims[n - 1] = 2;
                src[n - 1] = 1;
                dst[n - 1] = 1;
            }
            StridedCopy.copy(x.data(), 0, src, y.data(), 0, dst, dims, execution);
        }
        ctx.setOutput(0, y);
    }
}
