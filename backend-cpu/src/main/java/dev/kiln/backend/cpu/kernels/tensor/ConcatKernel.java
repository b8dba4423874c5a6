package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * Concat: for each index of the axes before {@code axis}, every input contributes one contiguous run,
 * so the whole op is block copies, split over threads by (outer index, input).
 */
public final class ConcatKernel implements Kernel {
    private final long axis;
    private final CpuExecution execution;

    public ConcatKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", Long.MIN_VALUE);
        if (axis == Long.MIN_VALUE) {
            throw Args.unsupported(request, "attribute 'axis' is required");
        }
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        int n = ctx.inputCount();
        Tensor first = ctx.tensor(0);
        int rank = first.rank();
        int a = Args.axis(axis, rank, "attribute 'axis'");
        long[] out = first.dims();
        out[a] = 0;
        Tensor[] xs = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Tensor x = ctx.tensor(i);
            if (x.dtype() != first.dtype() || x.rank() != rank) {
                throw new InvalidInputException("input " + i + ": expected a " + first.dtype() + " tensor of rank " + rank
                        + " like input 0 " + first.describe() + ", got " + x.describe());
            }
            for (int k = 0; k < rank; k++) {
                if (k != a && x.dim(k) != first.dim(k)) {
                    throw new InvalidInputException("input " + i + ": dimension " + k + " must be " + first.dim(k) + " like input 0 "
                            + first.describe() + ", got " + x.describe());
                }
            }
            out[a] += x.dim(a);
            xs[i] = x;
        }
        Tensor y = ctx.allocate(first.dtype(), Shape.of(out));
        int slots = first.dtype().slotsPerElement();
        int[] dims = y.shape().intDims();
        int outer = Args.product(dims, 0, a);
        int rest = Args.product(dims, a + 1, rank) * slots;
        int outRun = dims[a] * rest;
        int[] runs = new int[n];
        int[] offsets = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            runs[i] = (int) xs[i].dim(a) * rest;
            offsets[i] = off;
            off += runs[i];
        }
        Object dst = y.data();
        execution.parallelFor(outer * n, Elements.copyCost(outRun / n), (s, e) -> {
            for (int item = s; item < e; item++) {
                int o = item / n;
                int i = item % n;
                if (runs[i] > 0) {
                    Elements.copy(xs[i].data(), o * runs[i], dst, o * outRun + offsets[i], runs[i]);
                }
            }
        });
        ctx.setOutput(0, y);
    }
}
