package dev.kiln.backend.cuda;

/**
 * A family of CUDA kernels (math, linalg, nn, tensor, reduction, training) that registers itself. Each
 * family is listed in {@code META-INF/services/dev.kiln.backend.cuda.CudaKernelFamily}, so adding an op
 * never means editing a central table. Implementations are stateless.
 */
public interface CudaKernelFamily {
    void register(CudaKernelRegistry registry);
}
