package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** OneHot: the output is filled with off_value, then on_value is written where each in-range index points. */
public final class OneHotKernel implements Kernel {
    private final long axis;

    public OneHotKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", -1);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor indices = ctx.tensor(0);
        Tensor depthT = ctx.tensor(1);
        Tensor values = ctx.tensor(2);
        if (depthT.elementCount() != 1) {
            throw new InvalidInputException("input 'depth': expected one value, got " + depthT.describe());
        }
        if (values.elementCount() != 2) {
            throw new InvalidInputException("input 'values': expected [off_value, on_value], got " + values.describe());
        }
        long depth = depthT.getLong(0);
        if (depth < 0) {
            throw new InvalidInputException("input 'depth': expected a non-negative value, got " + depth);
        }
        int rank = indices.rank();
        int a = Args.axis(axis, rank + 1, "attribute 'axis'");
        long[] in = indices.dims();
        long[] shape = new long[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++) {
            shape[i] = i == a ? depth : in[j++];
        }
        Tensor y = ctx.allocate(values.dtype(), Shape.of(shape));
        int slots = values.dtype().slotsPerElement();
        Object dst = y.data();
        Elements.fillPattern(dst, 0, y.size() * slots, values.data(), 0, slots);
        int[] id = indices.shape().intDims();
        int outer = Args.product(id, 0, a);
        int inner = Args.product(id, a, rank);
        int d = (int) depth;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long v = indices.getLong(o * inner + i);
                if (v < 0) {
                    v += depth;
                }
                if (v >= 0 && v < depth) {
                    int pos = ((o * d + (int) v) * inner + i) * slots;
                    Elements.copy(values.data(), slots, dst, pos, slots);
                }
            }
        }
        ctx.setOutput(0, y);
    }
}
