package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;

/** ReverseSequence: per batch entry, the first sequence_lens[b] time steps are reversed; each step is a contiguous run. */
public final class ReverseSequenceKernel implements Kernel {
    private final int timeAxis;
    private final int batchAxis;

    public ReverseSequenceKernel(KernelRequest request) {
        this.timeAxis = (int) request.node().getInt("time_axis", 0);
        this.batchAxis = (int) request.node().getInt("batch_axis", 1);
        if (timeAxis + batchAxis != 1 || timeAxis * batchAxis != 0) {
            throw Args.unsupported(request, "attributes 'time_axis' and 'batch_axis' must be 0 and 1 in some order, got "
                    + timeAxis + " and " + batchAxis);
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() < 2) {
            throw new InvalidInputException("input 'input': expected rank 2 or more, got " + x.describe());
        }
        int[] dims = x.shape().intDims();
        int time = dims[timeAxis];
        int batch = dims[batchAxis];
        long[] lens = Args.vector(ctx.tensor(1), "input 'sequence_lens'");
        if (lens.length != batch) {
            throw new InvalidInputException("input 'sequence_lens': expected " + batch + " lengths (the batch axis), got " + lens.length);
        }
        int inner = Args.product(dims, 2, dims.length) * x.dtype().slotsPerElement();
        int timeStride = timeAxis == 0 ? batch * inner : inner;
        int batchStride = batchAxis == 0 ? time * inner : inner;
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        for (int b = 0; b < batch; b++) {
            long len = lens[b];
            if (len < 0 || len > time) {
                throw new InvalidInputException("input 'sequence_lens': entry " + b + " is " + len + ", expected a value in [0, " + time + "]");
            }
            for (int t = 0; t < time; t++) {
                int from = t < len ? (int) len - 1 - t : t;
                Elements.copy(x.data(), b * batchStride + from * timeStride, y.data(), b * batchStride + t * timeStride, inner);
            }
        }
        ctx.setOutput(0, y);
    }
}
