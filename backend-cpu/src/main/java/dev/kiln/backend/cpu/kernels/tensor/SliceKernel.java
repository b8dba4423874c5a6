package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/** Slice: the selection is a strided view of the input (negative steps give negative strides), copied by {@link StridedCopy}. */
public final class SliceKernel implements Kernel {
    private final CpuExecution execution;

    public SliceKernel(KernelRequest request, CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        long[] starts = Args.vector(ctx.tensor(1), "input 'starts'");
        long[] ends = Args.vector(ctx.tensor(2), "input 'ends'");
        if (ends.length != starts.length) {
            throw new InvalidInputException("input 'ends': expected " + starts.length + " values like 'starts', got " + ends.length);
        }
        int[] axes = new int[starts.length];
        if (ctx.hasInput(3)) {
            long[] a = Args.vector(ctx.tensor(3), "input 'axes'");
            if (a.length != starts.length) {
                throw new InvalidInputException("input 'axes': expected " + starts.length + " values like 'starts', got " + a.length);
            }
            axes = Args.axes(a, rank, "input 'axes'");
        } else {
            if (starts.length > rank) {
                throw new InvalidInputException("input 'starts': " + starts.length + " values for an input of rank " + rank);
            }
            Arrays.setAll(axes, i -> i);
        }
        long[] steps = new long[starts.length];
        Arrays.fill(steps, 1);
        if (ctx.hasInput(4)) {
            steps = Args.vector(ctx.tensor(4), "input 'steps'");
            if (steps.length != starts.length) {
                throw new InvalidInputException("input 'steps': expected " + starts.length + " values like 'starts', got " + steps.length);
            }
        }
        int[] inDims = Args.slotDims(x);
        int[] inStrides = StridedCopy.contiguousStrides(inDims);
        int[] outDims = inDims.clone();
        int[] srcStrides = inStrides.clone();
        int offset = 0;
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            long dim = inDims[a];
            long step = steps[i];
            if (step == 0) {
                throw new InvalidInputException("input 'steps': step for axis " + a + " must not be 0");
            }
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (step > 0) {
                start = clamp(start, 0, dim);
                end = clamp(end, 0, dim);
                count = end > start ? (end - start - 1) / step + 1 : 0;
            } else {
                start = clamp(start, 0, dim - 1);
                end = clamp(end, -1, dim - 1);
                count = start > end ? (start - end - 1) / (step == Long.MIN_VALUE ? Long.MAX_VALUE : -step) + 1 : 0;
            }
            outDims[a] = (int) count;
            if (count > 0) {
                offset += (int) start * inStrides[a];
                srcStrides[a] = count == 1 ? 0 : (int) (inStrides[a] * step);
            }
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = outDims[i];
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(shape));
        if (y.elementCount() > 0) {
            StridedCopy.copy(x.data(), offset, srcStrides, y.data(), 0, outDims, execution);
        }
        ctx.setOutput(0, y);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
