package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** ConstantOfShape: a tensor of the given shape filled with the one-element 'value' attribute (float32 0 by default). */
public final class ConstantOfShapeKernel implements Kernel {
    private final Tensor value;

    public ConstantOfShapeKernel(KernelRequest request) {
        var attr = request.node().attribute("value");
        this.value = attr == null ? Tensor.of(new float[] {0f}, 1) : attr.asTensor();
        if (value.elementCount() != 1) {
            throw Args.unsupported(request, "attribute 'value' must hold exactly one element, got " + value.describe());
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        long[] dims = Args.vector(ctx.tensor(0), "input 'input'");
        for (long d : dims) {
            if (d < 0) {
                throw new InvalidInputException("input 'input': dimensions must be non-negative, got " + java.util.Arrays.toString(dims));
            }
        }
        Tensor y = ctx.allocate(value.dtype(), Shape.of(dims));
        int slots = value.dtype().slotsPerElement();
        Elements.fillPattern(y.data(), 0, y.size() * slots, value.data(), 0, slots);
        ctx.setOutput(0, y);
    }
}
