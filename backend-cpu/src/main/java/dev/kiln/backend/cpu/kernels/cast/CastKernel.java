package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * Cast (target type from the 'to' attribute) and CastLike (target type of the second input), with the
 * 'saturate' and 'round_mode' attributes for float8 targets. A cast to the input's own type returns the
 * input unchanged.
 */
final class CastKernel implements Kernel {
    /** The target type, or null for CastLike. */
    private final DType target;
    private final boolean saturate;
    private final MinifloatEncoder.E8M0Rounding rounding;
    private final CpuExecution execution;

    CastKernel(DType target, boolean saturate, MinifloatEncoder.E8M0Rounding rounding, CpuExecution execution) {
        this.target = target;
        this.saturate = saturate;
        this.rounding = rounding;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType to = target != null ? target : ctx.tensor(1).dtype();
        if (x.dtype() == to) {
            ctx.setOutput(0, x);
            return;
        }
        Tensor y = ctx.allocate(to, x.shape());
        MinifloatEncoder encoder = MinifloatEncoder.handles(to) ? MinifloatEncoder.forType(to, saturate, rounding) : null;
        Conversions.convert(x, y, encoder, execution);
        ctx.setOutput(0, y);
    }
}
