package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/** SequenceConstruct: a sequence of the input tensors, in order; they must share one element type. Stateless. */
public final class SequenceConstructKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        List<Tensor> items = new ArrayList<>(ctx.inputCount());
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.tensor(i);
            if (!items.isEmpty() && t.dtype() != items.get(0).dtype()) {
                throw new InvalidInputException("input " + i + ": expected " + items.get(0).dtype() + " like input 0, got " + t.describe());
            }
            items.add(t);
        }
        if (items.isEmpty()) {
            throw new InvalidInputException("SequenceConstruct needs at least one input tensor");
        }
        ctx.setOutput(0, new TensorSequence(items.get(0).dtype(), items));
    }
}
