package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.Elements;

/**
 * TensorScatter (opset 24): a copy of the past cache with the update written along {@code axis} from each batch
 * row's write index, wrapping modulo the cache length in circular mode.
 */
final class TensorScatterKernel implements Kernel {
    private final long axis;
    private final boolean circular;

    TensorScatterKernel(long axis, boolean circular) {
        this.axis = axis;
        this.circular = circular;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor past = ctx.tensor(0);
        Tensor update = ctx.tensor(1);
        int rank = past.rank();
        int a = Args.axis(axis, rank, "TensorScatter axis");
        int[] pd = past.shape().intDims();
        int[] ud = update.shape().intDims();
        boolean shapesAgree = a > 0 && ud.length == rank && ud[a] <= pd[a];
        for (int d = 0; shapesAgree && d < rank; d++) {
            shapesAgree = d == a || ud[d] == pd[d];
        }
        if (!shapesAgree) {
            throw new InvalidInputException("TensorScatter update: expected the shape of past_cache " + past.describe()
                    + " except at axis " + a + " (not the batch axis), got " + update.describe());
        }
        long[] write = ctx.inputCount() > 2 && ctx.hasInput(2) ? Args.vector(ctx.tensor(2), "TensorScatter write_indices")
                : new long[pd[0]];
        if (write.length != pd[0]) {
            throw new InvalidInputException("TensorScatter write_indices: expected one index per batch entry (" + pd[0] + "), got "
                    + write.length);
        }
        if (update.dtype() != past.dtype()) {
            throw new InvalidInputException("TensorScatter update: expected the element type of past_cache " + past.describe()
                    + ", got " + update.describe());
        }
        int maxLen = pd[a];
        int seq = ud[a];
        int inner = Args.product(pd, a + 1, rank);
        int prefixPerBatch = Args.product(pd, 1, a);
        Tensor y = ctx.allocate(past.dtype(), past.shape());
        Elements.copy(past.data(), 0, y.data(), 0, (int) past.elementCount());
        for (int b = 0; b < pd[0]; b++) {
            for (int pre = 0; pre < prefixPerBatch; pre++) {
                int prefix = b * prefixPerBatch + pre;
                for (int s = 0; s < seq; s++) {
                    long pos = write[b] + s;
                    if (circular) {
                        pos = Math.floorMod(pos, (long) maxLen);
                    } else if (pos < 0 || pos >= maxLen) {
                        throw new InvalidInputException("TensorScatter write_indices[" + b + "] = " + write[b] + ": linear mode needs "
                                + "write index + " + seq + " <= " + maxLen);
                    }
                    Elements.copy(update.data(), (prefix * seq + s) * inner, y.data(), (int) ((prefix * maxLen + pos) * inner), inner);
                }
            }
        }
        ctx.setOutput(0, y);
    }
}
