package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;

/** SequenceLength: the number of tensors, as an int64 scalar. Stateless. */
public final class SequenceLengthKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, Tensor.scalar((long) SequenceValues.sequence(ctx, 0, "input 'input_sequence'").size()));
    }
}
