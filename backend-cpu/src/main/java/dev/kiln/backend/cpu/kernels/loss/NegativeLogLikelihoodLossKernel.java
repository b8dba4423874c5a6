package dev.kiln.backend.cpu.kernels.loss;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;

/**
 * NegativeLogLikelihoodLoss: input (N, C, d1..dk) log-probabilities, target (N, d1..dk) labels, optional
 * weight (C). Computes in double and rounds once to the input type. Stateless and thread-safe.
 */
public final class NegativeLogLikelihoodLossKernel implements Kernel {
    private final ClassLoss loss;

    public NegativeLogLikelihoodLossKernel(KernelRequest request) {
        this.loss = new ClassLoss(request);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor input = ctx.tensor(0);
        ClassLoss.requireFloating(input, "input");
        Tensor weight = ctx.inputCount() > 2 && ctx.hasInput(2) ? ctx.tensor(2) : null;
        loss.emit(ctx, input, input.toDoubleArray(), ctx.tensor(1), weight);
    }
}
