package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;

/** Identity: the input value itself (tensor, sequence or optional); values are immutable, so sharing is safe. */
final class IdentityKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, ctx.input(0));
    }
}
