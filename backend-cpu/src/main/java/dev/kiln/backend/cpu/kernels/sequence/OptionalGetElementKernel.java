package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;

/** OptionalGetElement: the value an optional holds (an error when empty); a plain tensor or sequence passes through. Stateless. */
public final class OptionalGetElementKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        RuntimeValue v = ctx.input(0);
        if (v == null) {
            throw new InvalidInputException("input 'input' is required");
        }
        if (v instanceof OptionalValue o) {
            if (!o.isPresent()) {
                throw new InvalidInputException("input 'input': the optional is empty (of " + o.elementType() + ")");
            }
            v = o.value();
        }
        ctx.setOutput(0, v);
    }
}
