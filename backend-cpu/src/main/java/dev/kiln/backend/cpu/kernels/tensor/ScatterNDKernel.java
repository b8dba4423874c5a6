package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/**
 * ScatterND: a copy of 'data' with each update slice written (or reduced) where its index tuple points;
 * written into 'data' itself where the runtime allows ({@link KernelContext#mayOverwriteInput}).
 */
public final class ScatterNDKernel implements Kernel {
    private final ScatterReduction reduction;

    public ScatterNDKernel(KernelRequest request) {
        this.reduction = ScatterReduction.of(request);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor data = ctx.tensor(0);
        Tensor indices = ctx.tensor(1);
        Tensor updates = ctx.tensor(2);
        int r = data.rank();
        int q = indices.rank();
        if (q < 1 || indices.dim(q - 1) > r) {
            throw new InvalidInputException("input 'indices' " + indices.describe() + ": expected rank >= 1 and a last dimension"
                    + " of at most " + r + " (the rank of 'data')");
        }
        int k = (int) indices.dim(q - 1);
        long[] expected = new long[q - 1 + r - k];
        System.arraycopy(indices.dims(), 0, expected, 0, q - 1);
        System.arraycopy(data.dims(), k, expected, q - 1, r - k);
        if (!Arrays.equals(updates.dims(), expected) || updates.dtype() != data.dtype()) {
            throw new InvalidInputException("input 'updates': expected " + data.dtype() + Arrays.toString(expected) + ", got "
                    + updates.describe());
        }
        int[] starts = GatherNDKernel.tupleOffsets(data, indices, 0);
        int inner = Args.product(data.shape().intDims(), k, r);
        int slots = data.dtype().slotsPerElement();
        // an intermediate 'data' read last here (the zeros of an embedding gradient) takes the updates in
        // place; otherwise a copy, which overwrites every element, so the new tensor need not be cleared
        Tensor y = data;
        if (!ctx.mayOverwriteInput(0)) {
            y = ctx.allocateUninitialized(data.dtype(), data.shape());
            Elements.copy(data.data(), 0, y.data(), 0, data.size() * slots);
        }
        if (reduction == ScatterReduction.NONE) {
            for (int t = 0; t < starts.length; t++) {
                Elements.copy(updates.data(), t * inner * slots, y.data(), starts[t] * slots, inner * slots);
            }
        } else {
            int[] offsets = new int[starts.length * inner];
            for (int t = 0, i = 0; t < starts.length; t++) {
                for (int e = 0; e < inner; e++) {
                    offsets[i++] = starts[t] + e;
                }
            }
            reduction.scatter(updates, offsets, y);
        }
        ctx.setOutput(0, y);
    }
}
