package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Equal, Less, LessOrEqual, Greater and GreaterOrEqual under multidirectional broadcasting, giving bool.
 * Both inputs have one element type: any number (float16/bfloat16 compared as float, uint64 as
 * unsigned), bool, or string for Equal.
 */
final class ComparisonKernel implements Kernel {
    private final Comparison op;
    private final CpuExecution execution;

    ComparisonKernel(Comparison op, CpuExecution execution) {
        this.op = op;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        if (a.dtype() != b.dtype()) {
            throw new InvalidInputException(op.opType() + " inputs 'A' and 'B': expected one element type, got " + a.describe() + " and "
                    + b.describe());
        }
        BroadcastPlan plan = BroadcastPlan.of(a.shape(), b.shape());
        Tensor y = ctx.allocate(DType.BOOL, plan.outputShape());
        boolean[] out = y.booleanData();
        int as = plan.innerStride(0);
        int bs = plan.innerStride(1);
        switch (ComputeDomain.of(a.dtype())) {
            case FLOAT32 -> {
                float[] af = a.floatData();
                float[] bf = b.floatData();
                execution.parallelFor(plan.size(), 1, (s, e) -> plan.forEachRun(s, e,
                        (pos, len, off) -> op.floats(af, off[0], as, bf, off[1], bs, out, pos, len)));
            }
            case FLOAT64 -> {
                double[] ad = a.doubleData();
                double[] bd = b.doubleData();
                plan.forEachRun(0, plan.size(), (pos, len, off) -> {
                    for (int i = 0; i < len; i++) {
                        out[pos + i] = op.apply(ad[off[0] + i * as], bd[off[1] + i * bs]);
                    }
                });
            }
            case HALF -> compareHalf(plan, a, b, out);
            case INTEGER -> compareIntegers(plan, a, b, out);
            case STRING -> {
                if (op != Comparison.EQUAL) {
                    throw new InvalidInputException(op.opType() + " input 'A': strings only support Equal, got " + a.describe());
                }
                String[] as1 = a.stringData();
                String[] bs1 = b.stringData();
                plan.forEachRun(0, plan.size(), (pos, len, off) -> {
                    for (int i = 0; i < len; i++) {
                        out[pos + i] = as1[off[0] + i * as].equals(bs1[off[1] + i * bs]);
                    }
                });
            }
            default -> throw new InvalidInputException(op.opType() + " input 'A': cannot compare " + a.describe());
        }
        ctx.setOutput(0, y);
    }

    private void compareHalf(BroadcastPlan plan, Tensor a, Tensor b, boolean[] out) {
        int as = plan.innerStride(0);
        int bs = plan.innerStride(1);
        float[] x1 = new float[ElementCodec.BLOCK];
        float[] x2 = new float[ElementCodec.BLOCK];
        plan.forEachRun(0, plan.size(), (pos, len, off) -> {
            for (int p = 0; p < len; p += ElementCodec.BLOCK) {
                int n = Math.min(ElementCodec.BLOCK, len - p);
                ElementCodec.toFloat(a, off[0] + p * as, x1, 0, as == 0 ? 1 : n);
                ElementCodec.toFloat(b, off[1] + p * bs, x2, 0, bs == 0 ? 1 : n);
                op.floats(x1, 0, as, x2, 0, bs, out, pos + p, n);
            }
        });
    }

    private void compareIntegers(BroadcastPlan plan, Tensor a, Tensor b, boolean[] out) {
        int as = plan.innerStride(0);
        int bs = plan.innerStride(1);
        // flipping the sign bit maps uint64 order onto signed long order
        long flip = a.dtype() == DType.UINT64 ? Long.MIN_VALUE : 0;
        long[] x1 = new long[ElementCodec.BLOCK];
        long[] x2 = new long[ElementCodec.BLOCK];
        plan.forEachRun(0, plan.size(), (pos, len, off) -> {
            for (int p = 0; p < len; p += ElementCodec.BLOCK) {
                int n = Math.min(ElementCodec.BLOCK, len - p);
                ElementCodec.toLong(a, off[0] + p * as, x1, 0, as == 0 ? 1 : n);
                ElementCodec.toLong(b, off[1] + p * bs, x2, 0, bs == 0 ? 1 : n);
                for (int i = 0; i < n; i++) {
                    out[pos + p + i] = op.applyLong(x1[i * as] ^ flip, x2[i * bs] ^ flip);
                }
            }
        });
    }
}
