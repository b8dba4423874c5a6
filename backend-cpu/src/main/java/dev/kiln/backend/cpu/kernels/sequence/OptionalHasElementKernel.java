package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;

/** OptionalHasElement: false for an absent input or an empty optional, true otherwise (a bool scalar). Stateless. */
public final class OptionalHasElementKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        RuntimeValue v = ctx.input(0);
        boolean present = v != null && (!(v instanceof OptionalValue o) || o.isPresent());
        ctx.setOutput(0, Tensor.scalar(present));
    }
}
