package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;

/** ScatterElements (and its old name Scatter): a copy of 'data' with each update applied where GatherElements would read it. */
public final class ScatterElementsKernel implements Kernel {
    private final long axis;
    private final ScatterReduction reduction;

    public ScatterElementsKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", 0);
        this.reduction = ScatterReduction.of(request);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor data = ctx.tensor(0);
        Tensor indices = ctx.tensor(1);
        Tensor updates = ctx.tensor(2);
        if (!updates.shape().equals(indices.shape()) || updates.dtype() != data.dtype()) {
            throw new InvalidInputException("input 'updates': expected " + data.dtype() + indices.shape() + " (the type of 'data', the shape of "
                    + "'indices'), got " + updates.describe());
        }
        int a = Args.axis(axis, data.rank(), "attribute 'axis'");
        int[] offsets = ElementIndexing.offsets(data, indices, a);
        Tensor y = ctx.allocate(data.dtype(), data.shape());
        Elements.copy(data.data(), 0, y.data(), 0, data.size() * data.dtype().slotsPerElement());
        reduction.scatter(updates, offsets, y);
        ctx.setOutput(0, y);
    }
}
