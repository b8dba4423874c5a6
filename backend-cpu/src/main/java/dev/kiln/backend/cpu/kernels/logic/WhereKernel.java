package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;

/**
 * Where: {@code condition ? X : Y} elementwise under multidirectional broadcasting of all three inputs,
 * for any element type. float32, int64 and int32 get direct loops; other types move elements with
 * {@link System#arraycopy}, whole runs at a time when the condition is constant along a run.
 */
final class WhereKernel implements Kernel {
    private final CpuExecution execution;

    WhereKernel(CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor c = ctx.tensor(0);
        Tensor x = ctx.tensor(1);
        Tensor y = ctx.tensor(2);
        if (c.dtype() != DType.BOOL) {
            throw new InvalidInputException("Where input 'condition': expected a bool tensor, got " + c.describe());
        }
        if (x.dtype() != y.dtype()) {
            throw new InvalidInputException("Where inputs 'X' and 'Y': expected one element type, got " + x.describe() + " and "
                    + y.describe());
        }
        BroadcastPlan plan = BroadcastPlan.of(c.shape(), x.shape(), y.shape());
        Tensor out = ctx.allocate(x.dtype(), plan.outputShape());
        boolean[] cond = c.booleanData();
        int cs = plan.innerStride(0);
        int xs = plan.innerStride(1);
        int ys = plan.innerStride(2);
        Object xa = x.data();
        Object ya = y.data();
        Object oa = out.data();
        if (oa instanceof float[] o) {
            float[] xf = (float[]) xa;
            float[] yf = (float[]) ya;
            execution.parallelFor(plan.size(), 1, (s, e) -> plan.forEachRun(s, e, (pos, len, off) -> {
                for (int i = 0; i < len; i++) {
                    o[pos + i] = cond[off[0] + i * cs] ? xf[off[1] + i * xs] : yf[off[2] + i * ys];
                }
            }));
        } else if (oa instanceof long[] o) {
            long[] xl = (long[]) xa;
            long[] yl = (long[]) ya;
            execution.parallelFor(plan.size(), 1, (s, e) -> plan.forEachRun(s, e, (pos, len, off) -> {
                for (int i = 0; i < len; i++) {
                    o[pos + i] = cond[off[0] + i * cs] ? xl[off[1] + i * xs] : yl[off[2] + i * ys];
                }
            }));
        } else if (oa instanceof int[] o) {
            int[] xi = (int[]) xa;
            int[] yi = (int[]) ya;
            execution.parallelFor(plan.size(), 1, (s, e) -> plan.forEachRun(s, e, (pos, len, off) -> {
                for (int i = 0; i < len; i++) {
                    o[pos + i] = cond[off[0] + i * cs] ? xi[off[1] + i * xs] : yi[off[2] + i * ys];
                }
            }));
        } else {
            int slots = x.dtype().slotsPerElement();
            plan.forEachRun(0, plan.size(), (pos, len, off) -> {
                if (cs == 0) {
                    boolean pickX = cond[off[0]];
                    moveRun(pickX ? xa : ya, pickX ? off[1] : off[2], pickX ? xs : ys, oa, pos, len, slots);
                    return;
                }
                for (int i = 0; i < len; i++) {
                    boolean pickX = cond[off[0] + i];
                    int from = pickX ? off[1] + i * xs : off[2] + i * ys;
                    System.arraycopy(pickX ? xa : ya, from * slots, oa, (pos + i) * slots, slots);
                }
            });
        }
        ctx.setOutput(0, out);
    }

    private static void moveRun(Object src, int from, int stride, Object dst, int pos, int len, int slots) {
        if (stride == 1) {
            System.arraycopy(src, from * slots, dst, pos * slots, len * slots);
            return;
        }
        for (int i = 0; i < len; i++) {
            System.arraycopy(src, from * slots, dst, (pos + i) * slots, slots);
        }
    }
}
