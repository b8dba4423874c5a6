package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * Optional: wraps its input, or makes an empty optional of the type given by the 'type' attribute (or,
 * failing that, by the node's declared output type). Immutable after construction.
 */
public final class OptionalKernel implements Kernel {
    private final ValueType emptyType;

    public OptionalKernel(KernelRequest request) {
        ValueType t = request.node().hasAttribute("type") ? request.node().attribute("type").asType() : null;
        if (t == null && !request.outputTypes().isEmpty() && request.outputTypes().get(0) instanceof ValueType.OptionalType o) {
            t = o.elementType();
        }
        if (t == null && !request.node().hasInput(0)) {
            throw Args.unsupported(request, "an Optional without input needs attribute 'type'");
        }
        this.emptyType = t;
    }

    @Override
    public void execute(KernelContext ctx) {
        if (ctx.hasInput(0)) {
            ctx.setOutput(0, OptionalValue.of(SequenceValues.typeOf(ctx.input(0)), ctx.input(0)));
        } else {
            ctx.setOutput(0, OptionalValue.empty(emptyType));
        }
    }
}
