package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the linear-algebra kernels: MatMul, Gemm, Einsum, MatMulInteger. */
public final class LinalgKernels implements CpuKernelFamily {
    /** The domain of the fused ops Kiln's graph passes create. */
    public static final String FUSED_DOMAIN = "dev.kiln";

    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "MatMul", MatMulKernel::new);
        registry.add("", "Gemm", GemmKernel::new);
        registry.add("", "Einsum", (request, execution) -> new EinsumKernel(request));
        registry.add("", "MatMulInteger", (request, execution) -> new MatMulIntegerKernel(execution));
        // Made by the runtime's fusion passes, never found in model files.
        registry.add(FUSED_DOMAIN, FusedMatMulKernel.OP, FusedMatMulKernel::new);
        registry.add(FUSED_DOMAIN, FusedAttentionKernel.OP, FusedAttentionKernel::new);
    }
}
