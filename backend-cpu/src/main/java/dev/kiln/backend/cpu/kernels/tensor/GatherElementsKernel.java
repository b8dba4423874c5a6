package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;

/** GatherElements: output[p] = data[p with its axis coordinate replaced by indices[p]]. */
public final class GatherElementsKernel implements Kernel {
    private final long axis;

    public GatherElementsKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", 0);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor data = ctx.tensor(0);
        Tensor indices = ctx.tensor(1);
        int a = Args.axis(axis, data.rank(), "attribute 'axis'");
        int slots = data.dtype().slotsPerElement();
        int[] offsets = Indices.slotOffsets(ElementIndexing.offsets(data, indices, a), slots);
        Tensor y = ctx.allocate(data.dtype(), indices.shape());
        Elements.gather(data.data(), 0, offsets, 0, offsets.length, y.data(), 0);
        ctx.setOutput(0, y);
    }
}
