package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * Registers the attention-family kernels: Attention (23, 24), RotaryEmbedding (23), LinearAttention (27),
 * CausalConvWithState (27), SwiGLU (28), ai.onnx.preview::FlexAttention (1).
 */
public final class AttentionKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "Attention", AttentionKernel::new);
        registry.add("", "RotaryEmbedding", RotaryEmbeddingKernel::new);
        registry.add("", "LinearAttention", LinearAttentionKernel::new);
        registry.add("", "CausalConvWithState", CausalConvWithStateKernel::new);
        registry.add("", "SwiGLU", SwiGluKernel::new);
        registry.add(FlexAttentionKernel.DOMAIN, "FlexAttention", FlexAttentionKernel::new);
    }
}
