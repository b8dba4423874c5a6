package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers CumProd (opset 26), kept apart from {@link TensorKernels} so it is added without editing that table. */
public final class CumulativeKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "CumProd", (r, e) -> new CumProdKernel(r));
    }
}
