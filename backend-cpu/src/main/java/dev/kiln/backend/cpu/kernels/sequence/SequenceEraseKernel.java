package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/** SequenceErase: a new sequence without the tensor at 'position' (default: the last). Stateless. */
public final class SequenceEraseKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        TensorSequence seq = SequenceValues.sequence(ctx, 0, "input 'input_sequence'");
        int n = seq.size();
        int at = SequenceValues.position(ctx, 1, n, n - 1, n - 1);
        if (at < 0) {
            throw new InvalidInputException("input 'input_sequence': cannot erase from an empty sequence");
        }
        List<Tensor> items = new ArrayList<>(seq.tensors());
        items.remove(at);
        ctx.setOutput(0, new TensorSequence(seq.elementType(), items));
    }
}
