package dev.kiln.backend.cpu;

/**
 * A family of CPU kernels (math, nn, tensor, reduction, ...) that registers itself. Each family is
 * listed in {@code META-INF/services/dev.kiln.backend.cpu.CpuKernelFamily}, so adding an op never
 * means editing a central table.
 */
public interface CpuKernelFamily {
    void register(CpuKernelRegistry registry);
}
