package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the linear-algebra kernels: MatMul, Gemm, Einsum, MatMulInteger. */
public final class LinalgKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "MatMul", MatMulKernel::new);
        registry.add("", "Gemm", GemmKernel::new);
        registry.add("", "Einsum", (request, execution) -> new EinsumKernel(request));
        registry.add("", "MatMulInteger", (request, execution) -> new MatMulIntegerKernel(execution));
    }
}
