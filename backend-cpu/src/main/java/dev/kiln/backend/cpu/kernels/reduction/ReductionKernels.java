package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the Reduce* ops (one row of {@link ReduceOp} each) and ArgMax/ArgMin. */
public final class ReductionKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        for (ReduceOp op : ReduceOp.values()) {
            registry.add("", op.opType(), (request, execution) -> new ReduceKernel(op, request, execution));
        }
        registry.add("", "ArgMax", (request, execution) -> new ArgExtremumKernel(true, request, execution));
        registry.add("", "ArgMin", (request, execution) -> new ArgExtremumKernel(false, request, execution));
    }
}
