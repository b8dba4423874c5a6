package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the attention-family kernels: Attention (23, 24). */
public final class AttentionKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "Attention", AttentionKernel::new);
    }
}
