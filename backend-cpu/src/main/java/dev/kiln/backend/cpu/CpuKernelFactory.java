package dev.kiln.backend.cpu;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;

/**
 * Makes the CPU kernel for one node. Throws {@link dev.kiln.api.UnsupportedOpException} when an
 * attribute value or input type is not handled, naming it.
 */
@FunctionalInterface
public interface CpuKernelFactory {
    Kernel create(KernelRequest request, CpuExecution execution);
}
