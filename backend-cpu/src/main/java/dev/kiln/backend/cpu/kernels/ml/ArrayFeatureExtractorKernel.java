package dev.kiln.backend.cpu.kernels.ml;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * ArrayFeatureExtractor: picks the given columns of the last axis: [..., C] with k indices gives [..., k];
 * a 1-D input is treated as one row and gives [1, k]. Stateless.
 */
public final class ArrayFeatureExtractorKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] idx = Args.longs(ctx.tensor(1), "input 'Y'");
        if (x.rank() == 0) {
            throw new InvalidInputException("input 'X': expected at least one axis, got " + x.describe());
        }
        int cols = (int) x.dim(x.rank() - 1);
        for (long i : idx) {
            if (i < 0 || i >= cols) {
                throw new InvalidInputException("input 'Y': index " + i + " is out of range [0, " + (cols - 1) + "] of the last axis of "
                        + x.describe());
            }
        }
        long[] dims = x.rank() == 1 ? new long[] {1, idx.length} : x.dims();
        dims[dims.length - 1] = idx.length;
        Tensor z = ctx.allocate(x.dtype(), Shape.of(dims));
        int rows = cols == 0 ? 0 : x.size() / cols;
        int slots = x.dtype().slotsPerElement();
        Object src = x.data();
        Object dst = z.data();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < idx.length; j++) {
                System.arraycopy(src, (r * cols + (int) idx[j]) * slots, dst, (r * idx.length + j) * slots, slots);
            }
        }
        ctx.setOutput(0, z);
    }
}
