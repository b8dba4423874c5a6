package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/** Split: the inverse of Concat, one contiguous run per (outer index, output). Sizes come from 'split', 'num_outputs' or equal parts. */
public final class SplitKernel implements Kernel {
    private final long axis;
    private final long numOutputs;
    private final CpuExecution execution;

    public SplitKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", 0);
        this.numOutputs = request.node().getInt("num_outputs", 0);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        int a = Args.axis(axis, rank, "attribute 'axis'");
        int dim = (int) x.dim(a);
        int n = ctx.outputCount();
        long[] sizes = sizes(ctx, dim, n);
        int slots = x.dtype().slotsPerElement();
        int[] dims = x.shape().intDims();
        int outer = Args.product(dims, 0, a);
        int rest = Args.product(dims, a + 1, rank) * slots;
        int inRun = dim * rest;
        Tensor[] ys = new Tensor[n];
        int[] offsets = new int[n];
        int off = 0;
        for (int i = 0; i < n; i++) {
            long[] shape = x.dims();
            shape[a] = sizes[i];
            ys[i] = ctx.allocate(x.dtype(), Shape.of(shape));
            offsets[i] = off;
            off += (int) sizes[i] * rest;
        }
        Object src = x.data();
        execution.parallelFor(outer * n, Elements.copyCost(inRun / n), (s, e) -> {
            for (int item = s; item < e; item++) {
                int o = item / n;
                int i = item % n;
                int run = (int) sizes[i] * rest;
                if (run > 0 && ctx.isOutputRequested(i)) {
                    Elements.copy(src, o * inRun + offsets[i], ys[i].data(), o * run, run);
                }
            }
        });
        for (int i = 0; i < n; i++) {
            if (ctx.isOutputRequested(i)) {
                ctx.setOutput(i, ys[i]);
            }
        }
    }

    private long[] sizes(KernelContext ctx, int dim, int n) {
        long[] sizes = new long[n];
        if (ctx.hasInput(1)) {
            long[] split = Args.vector(ctx.tensor(1), "input 'split'");
            long sum = 0;
            for (long v : split) {
                if (v < 0) {
                    throw new InvalidInputException("input 'split' " + Arrays.toString(split) + ": sizes must be non-negative");
                }
                sum += v;
            }
            if (split.length != n || sum != dim) {
                throw new InvalidInputException("input 'split' " + Arrays.toString(split) + ": expected " + n
                        + " sizes summing to " + dim + " (the split axis)");
            }
            return split;
        }
        if (numOutputs > 0 && numOutputs != n) {
            throw new InvalidInputException("attribute 'num_outputs' is " + numOutputs + " but the node has " + n + " outputs");
        }
        long chunk = (dim + n - 1) / n;
        for (int i = 0; i < n; i++) {
            sizes[i] = Math.max(0, Math.min(chunk, dim - chunk * i));
        }
        if (numOutputs == 0 && dim % n != 0) {
            throw new InvalidInputException("input of size " + dim + " along the split axis cannot be split into " + n + " equal parts");
        }
        return sizes;
    }
}
