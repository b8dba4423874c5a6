package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/** SequenceInsert: a new sequence with the tensor at 'position' (default: the back). The tensors are shared, not copied. Stateless. */
public final class SequenceInsertKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        TensorSequence seq = SequenceValues.sequence(ctx, 0, "input 'input_sequence'");
        Tensor t = ctx.tensor(1);
        if (t.dtype() != seq.elementType()) {
            throw new InvalidInputException("input 'tensor': expected " + seq.elementType() + " like the sequence, got " + t.describe());
        }
        int n = seq.size();
        int at = SequenceValues.position(ctx, 2, n, n, n);
        List<Tensor> items = new ArrayList<>(seq.tensors());
        items.add(at, t);
        ctx.setOutput(0, new TensorSequence(seq.elementType(), items));
    }
}
