package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/** Expand: broadcasts the input to the shape (a strided copy with stride 0 along broadcast axes). */
public final class ExpandKernel implements Kernel {
    private final CpuExecution execution;

    public ExpandKernel(KernelRequest request, CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] target = Args.vector(ctx.tensor(1), "input 'shape'");
        long[] out;
        try {
            out = Broadcast.shape(x.dims(), target);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("input 'shape' " + Arrays.toString(target) + " cannot broadcast input " + x.describe()
                    + ": " + e.getMessage());
        }
        // the broadcast copy writes every element
        Tensor y = ctx.allocateUninitialized(x.dtype(), Args.outputShape(out, "input 'shape' " + Arrays.toString(target)));
        broadcast(x, y, execution);
        ctx.setOutput(0, y);
    }

    /** Fills {@code y} with {@code x} broadcast to y's shape (whose rank is at least x's). */
    static void broadcast(Tensor x, Tensor y, CpuExecution execution) {
        int slots = x.dtype().slotsPerElement();
        long[] in = x.dims();
        long[] out = y.dims();
        long[] st = Broadcast.stridesFor(in, out);
        int rank = out.length + (slots > 1 ? 1 : 0);
        int[] dims = new int[rank];
        int[] strides = new int[rank];
        for (int i = 0; i < out.length; i++) {
            dims[i] = (int) out[i];
            strides[i] = (int) st[i] * slots;
        }
        if (slots > 1) {
            dims[rank - 1] = slots;
            strides[rank - 1] = 1;
        }
        StridedCopy.copy(x.data(), 0, strides, y.data(), 0, dims, execution);
    }
}
