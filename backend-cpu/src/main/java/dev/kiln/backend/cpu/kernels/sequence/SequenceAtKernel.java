package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.TensorSequence;

/** SequenceAt: the tensor at 'position' (negative counts from the back). Stateless. */
public final class SequenceAtKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        TensorSequence seq = SequenceValues.sequence(ctx, 0, "input 'input_sequence'");
        if (!ctx.hasInput(1)) {
            throw new InvalidInputException("input 'position' is required");
        }
        int at = SequenceValues.position(ctx, 1, seq.size(), seq.size() - 1, 0);
        ctx.setOutput(0, seq.get(at));
    }
}
