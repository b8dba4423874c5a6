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
 * LpPool: the p-norm of each window ({@code (sum |x|^p)^(1/p)}); padding contributes zeros. Computes in
 * float64, one (batch, channel) plane per task.
 */
final class LpPoolKernel implements Kernel {
    private final PoolPlan.Cache plans;
    private final int p;
    private final CpuExecution execution;

    LpPoolKernel(KernelRequest request, CpuExecution execution) {
        this.plans = new PoolPlan.Cache(request.node(), request.opsetVersion());
        this.p = (int) request.node().getInt("p", 2);
        this.execution = execution;
        if (p < 1) {
            throw new UnsupportedOpException("LpPool", "", request.opsetVersion(), "attribute 'p' must be at least 1, got " + p);
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("LpPool", "", ctx.opsetVersion(), "input X has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        // the output first: an absurd one (huge pads) fails against the run's budget before the plan is built
        Tensor y = ctx.allocate(x.dtype(), plans.output(x));
        PoolPlan plan = plans.plan(x);
        Window.Axis a0 = plan.axes()[0];
        Window.Axis a1 = plan.axes()[1];
        Window.Axis a2 = plan.axes()[2];
        int inSize = plan.window().inSize();
        int outSize = plan.window().outSize();
        ctx.reserveScratch(8L * plan.planes() * outSize + (x.dtype() == DType.DOUBLE ? 0 : 8L * x.elementCount()),
                "the float64 working copies of the input and the output");
        double[] xv = TensorArrays.doubles(x);
        double[] out = new double[plan.planes() * outSize];
        execution.parallelFor(plan.planes(), (long) plan.window().kernelSize() * outSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xb = plane * inSize;
                int yo = plane * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    for (int o1 = 0; o1 < a1.out(); o1++) {
                        for (int o2 = 0; o2 < a2.out(); o2++, yo++) {
                            double sum = 0;
                            for (int t0 = plan.firstTap()[0][o0]; t0 < plan.endTap()[0][o0]; t0++) {
                                int i0 = a0.input(o0, t0);
                                for (int t1 = plan.firstTap()[1][o1]; t1 < plan.endTap()[1][o1]; t1++) {
                                    int row = xb + (i0 * a1.in() + a1.input(o1, t1)) * a2.in() + a2.input(o2, 0);
                                    for (int t2 = plan.firstTap()[2][o2]; t2 < plan.endTap()[2][o2]; t2++) {
                                        sum += LpNorm.power(Math.abs(xv[row + t2 * a2.dilation()]), p);
                                    }
                                }
                            }
                            out[yo] = LpNorm.root(sum, p);
                        }
                    }
                }
            }
        });
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
