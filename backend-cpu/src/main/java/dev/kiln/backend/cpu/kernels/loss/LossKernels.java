package dev.kiln.backend.cpu.kernels.loss;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the training losses NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opset 12 on). */
public final class LossKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "NegativeLogLikelihoodLoss", (r, e) -> new NegativeLogLikelihoodLossKernel(r));
        registry.add("", "SoftmaxCrossEntropyLoss", (r, e) -> new SoftmaxCrossEntropyLossKernel(r));
    }
}
