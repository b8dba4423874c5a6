package dev.kiln.backend.cpu.kernels.random;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the random generators: RandomUniform(Like), RandomNormal(Like), Bernoulli and Multinomial. */
public final class RandomKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "RandomUniform", (request, execution) -> new RandomDistributionKernel(request, false, false));
        registry.add("", "RandomUniformLike", (request, execution) -> new RandomDistributionKernel(request, false, true));
        registry.add("", "RandomNormal", (request, execution) -> new RandomDistributionKernel(request, true, false));
        registry.add("", "RandomNormalLike", (request, execution) -> new RandomDistributionKernel(request, true, true));
        registry.add("", "Bernoulli", (request, execution) -> new BernoulliKernel(request));
        registry.add("", "Multinomial", (request, execution) -> new MultinomialKernel(request));
    }
}
