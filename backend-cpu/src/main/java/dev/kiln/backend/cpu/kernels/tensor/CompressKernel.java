package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** Compress: keeps the slices along the axis (or elements of the flattened input) whose condition entry is true. */
public final class CompressKernel implements Kernel {
    private final Long axis;

    public CompressKernel(KernelRequest request) {
        this.axis = request.node().hasAttribute("axis") ? request.node().getInt("axis", 0) : null;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor condition = ctx.tensor(1);
        if (condition.dtype() != DType.BOOL || condition.rank() != 1) {
            throw new InvalidInputException("input 'condition': expected a 1-D bool tensor, got " + condition.describe());
        }
        int[] dims = axis == null ? new int[] {x.size()} : x.shape().intDims();
        int a = axis == null ? 0 : Args.axis(axis, x.rank(), "attribute 'axis'");
        int n = dims[a];
        boolean[] cond = condition.booleanData();
        if (cond.length > n) {
            throw new InvalidInputException("input 'condition' " + condition.describe() + ": longer than the " + n
                    + " entries it selects from in input " + x.describe());
        }
        int[] kept = new int[cond.length];
        int count = 0;
        for (int i = 0; i < cond.length; i++) {
            if (cond[i]) {
                kept[count++] = i;
            }
        }
        long[] out = axis == null ? new long[] {count} : x.dims();
        out[a] = count;
        Tensor y = ctx.allocate(x.dtype(), Shape.of(out));
        int slots = x.dtype().slotsPerElement();
        int outer = Args.product(dims, 0, a);
        int inner = Args.product(dims, a + 1, dims.length) * slots;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                Elements.copy(x.data(), (o * n + kept[j]) * inner, y.data(), (o * count + j) * inner, inner);
            }
        }
        ctx.setOutput(0, y);
    }
}
