package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * AveragePool with ceil_mode, dilations, pads/auto_pad and count_include_pad. The divisor counts the taps
 * inside X, or with count_include_pad also those in the explicit padding, but never the part of a ceil_mode
 * window past the end padding. Sums in float64; one (batch, channel) plane per task.
 */
final class AveragePoolKernel implements Kernel {
    private final PoolPlan.Cache plans;
    private final boolean countIncludePad;
    private final CpuExecution execution;

    AveragePoolKernel(KernelRequest request, CpuExecution execution) {
        this.plans = new PoolPlan.Cache(request.node(), request.opsetVersion());
        this.countIncludePad = request.node().getInt("count_include_pad", 0) != 0;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("AveragePool", "", ctx.opsetVersion(), "input X has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        // the output first: an absurd one (huge pads) fails against the run's budget before the plan is built
        Tensor y = ctx.allocate(x.dtype(), plans.output(x));
        PoolPlan p = plans.plan(x);
        Window.Axis a0 = p.axes()[0];
        Window.Axis a1 = p.axes()[1];
        Window.Axis a2 = p.axes()[2];
        int inSize = p.window().inSize();
        int outSize = p.window().outSize();
        ctx.reserveScratch(8L * p.planes() * outSize + (x.dtype() == DType.DOUBLE ? 0 : 8L * x.elementCount()), "the float64 working copies of the input and the output");
        double[] xv = TensorArrays.doubles(x);
        double[] out = new double[p.planes() * outSize];
        execution.parallelFor(p.planes(), (long) p.window().kernelSize() * outSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xb = plane * inSize;
                int yo = plane * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    for (int o1 = 0; o1 < a1.out(); o1++) {
                        for (int o2 = 0; o2 < a2.out(); o2++, yo++) {
                            double sum = 0;
                            for (int t0 = p.firstTap()[0][o0]; t0 < p.endTap()[0][o0]; t0++) {
                                int i0 = a0.input(o0, t0);
                                for (int t1 = p.firstTap()[1][o1]; t1 < p.endTap()[1][o1]; t1++) {
                                    int row = xb + (i0 * a1.in() + a1.input(o1, t1)) * a2.in() + a2.input(o2, 0);
                                    for (int t2 = p.firstTap()[2][o2]; t2 < p.endTap()[2][o2]; t2++) {
                                        sum += xv[row + t2 * a2.dilation()];
                                    }
                                }
                            }
                            out[yo] = sum / (countIncludePad
                                    ? (double) a0.tapsWithinPadding(o0) * a1.tapsWithinPadding(o1) * a2.tapsWithinPadding(o2)
                                    : (double) (p.endTap()[0][o0] - p.firstTap()[0][o0]) * (p.endTap()[1][o1] - p.firstTap()[1][o1])
                                            * (p.endTap()[2][o2] - p.firstTap()[2][o2]));
                        }
                    }
                }
            }
        });
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
