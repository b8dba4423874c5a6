package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * And, Or, Xor, the Bitwise ops and BitShift under multidirectional broadcasting; the result has the
 * inputs' type. bool tensors get a direct loop, integers go through long blocks and wrap back.
 */
final class LogicalKernel implements Kernel {
    private final Logical op;
    private final CpuExecution execution;

    LogicalKernel(Logical op, CpuExecution execution) {
        this.op = op;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        if (a.dtype() != b.dtype() || !op.kind().accepts(a.dtype())) {
            throw new InvalidInputException(op.opType() + " inputs 'A' and 'B': expected two " + op.kind().describe()
                    + " tensors of one type, got " + a.describe() + " and " + b.describe());
        }
        BroadcastPlan plan = BroadcastPlan.of(a.shape(), b.shape());
        Tensor y = ctx.allocate(a.dtype(), plan.outputShape());
        int as = plan.innerStride(0);
        int bs = plan.innerStride(1);
        if (a.dtype() == DType.BOOL) {
            boolean[] x1 = a.booleanData();
            boolean[] x2 = b.booleanData();
            boolean[] out = y.booleanData();
            plan.forEachRun(0, plan.size(), (pos, len, off) -> {
                for (int i = 0; i < len; i++) {
                    out[pos + i] = op.apply(x1[off[0] + i * as] ? 1 : 0, x2[off[1] + i * bs] ? 1 : 0) != 0;
                }
            });
        } else {
            execution.parallelFor(plan.size(), 4, (s, e) -> {
                int block = Math.min(ElementCodec.BLOCK, e - s);
                long[] x1 = new long[block];
                long[] x2 = new long[block];
                long[] r = new long[block];
                plan.forEachRun(s, e, (pos, len, off) -> {
                    for (int p = 0; p < len; p += block) {
                        int n = Math.min(block, len - p);
                        ElementCodec.toLong(a, off[0] + p * as, x1, 0, as == 0 ? 1 : n);
                        ElementCodec.toLong(b, off[1] + p * bs, x2, 0, bs == 0 ? 1 : n);
                        for (int i = 0; i < n; i++) {
                            r[i] = op.apply(x1[i * as], x2[i * bs]);
                        }
                        ElementCodec.fromLong(r, 0, y, pos + p, n);
                    }
                });
            });
        }
        ctx.setOutput(0, y);
    }
}
