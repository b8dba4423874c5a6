package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.TensorSequence;
import java.util.List;

/** SequenceEmpty: an empty sequence of the element type named by 'dtype' (float32 by default). Immutable. */
public final class SequenceEmptyKernel implements Kernel {
    private final TensorSequence empty;

    public SequenceEmptyKernel(KernelRequest request) {
        this.empty = new TensorSequence(DType.fromCode((int) request.node().getInt("dtype", DType.FLOAT.code())), List.of());
    }

    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, empty);
    }
}
