package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.SplitKernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SplitToSequence: works out the part sizes (a scalar 'split' gives equal chunks with a shorter last one,
 * a 1-D 'split' gives them outright, none gives parts of 1) and lets {@link SplitKernel} cut them.
 * Without 'split' and with keepdims=0 the split axis is dropped from every part.
 */
public final class SplitToSequenceKernel implements Kernel {
    private final long axis;
    private final boolean keepDims;
    private final SplitKernel split;

    public SplitToSequenceKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", 0);
        this.keepDims = request.node().getInt("keepdims", 1) != 0;
        this.split = new SplitKernel(request, execution);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int a = Args.axis(axis, x.rank(), "attribute 'axis'");
        long dim = x.dim(a);
        long[] sizes = sizes(ctx, dim);
        ContextView view = new ContextView(ctx, Arrays.asList(x, Tensor.of(sizes, sizes.length)), sizes.length);
        if (sizes.length > 0) {
            split.execute(view);
        }
        boolean squeeze = !keepDims && !ctx.hasInput(1);
        List<Tensor> parts = new ArrayList<>(sizes.length);
        for (RuntimeValue v : view.outputs()) {
            Tensor part = (Tensor) v;
            if (squeeze) {
                long[] dims = part.dims();
                long[] kept = new long[dims.length - 1];
                for (int k = 0, j = 0; k < dims.length; k++) {
                    if (k != a) {
                        kept[j++] = dims[k];
                    }
                }
                part = part.reshape(Shape.of(kept));
            }
            parts.add(part);
        }
        ctx.setOutput(0, new TensorSequence(x.dtype(), parts));
    }

    private static long[] sizes(KernelContext ctx, long dim) {
        if (!ctx.hasInput(1)) {
            long[] ones = new long[(int) dim];
            Arrays.fill(ones, 1);
            return ones;
        }
        Tensor s = ctx.tensor(1);
        long[] given = Args.vector(s, "input 'split'");
        if (s.rank() == 1) {
            return given;
        }
        long chunk = given[0];
        if (chunk <= 0) {
            throw new InvalidInputException("input 'split': expected a positive chunk size, got " + chunk);
        }
        long[] out = new long[(int) ((dim + chunk - 1) / chunk)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(chunk, dim - chunk * i);
        }
        return out;
    }
}
