package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.BroadcastPlan;

/** StringConcat: {@code X + Y} elementwise under numpy-style broadcasting. Stateless. */
public final class StringConcatKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        String[] x = Strings.of(ctx.tensor(0), "input 'X'");
        String[] y = Strings.of(ctx.tensor(1), "input 'Y'");
        BroadcastPlan plan = BroadcastPlan.of(ctx.tensor(0).shape(), ctx.tensor(1).shape());
        String[] z = new String[plan.size()];
        int xs = plan.innerStride(0);
        int ys = plan.innerStride(1);
        plan.forEachRun(0, plan.size(), (pos, len, off) -> {
            for (int i = 0; i < len; i++) {
                z[pos + i] = x[off[0] + i * xs].concat(y[off[1] + i * ys]);
            }
        });
        ctx.setOutput(0, Tensor.of(z, plan.outputDims()));
    }
}
