package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Applies a {@link BinaryOp} to two inputs of one element type under multidirectional broadcasting:
 * float32 straight on the arrays, float16/bfloat16 through float blocks, float64 in double, integers
 * in long (wrapped back to the type).
 */
final class BinaryKernel implements Kernel {
    private final String opType;
    private final BinaryOp op;
    private final CpuExecution execution;

    BinaryKernel(String opType, BinaryOp op, CpuExecution execution) {
        this.opType = opType;
        this.op = op;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        checkTypes(opType, op, a, b);
        BroadcastPlan plan = BroadcastPlan.of(a.shape(), b.shape());
        Tensor y = output(ctx, plan.outputShape(), 0, 1);
        apply(op, plan, a, b, y, execution);
        ctx.setOutput(0, y);
    }

    /**
     * The output tensor of shape {@code out} for an elementwise op on float32 inputs {@code candidates} (in order
     * of preference): one of them written in place when it has the output's shape, the runtime allows it
     * ({@link KernelContext#mayOverwriteInput}) and no other input of the node shares its storage (each element
     * is read at its own index before it is written); else new memory, uncleared for float32 (every element is
     * written). Other element types get cleared new memory.
     */
    static Tensor output(KernelContext ctx, Shape out, int... candidates) {
        DType type = ctx.tensor(0).dtype();
        if (type != DType.FLOAT) {
            return ctx.allocate(type, out);
        }
        for (int i : candidates) {
            Tensor t = ctx.tensor(i);
            if (t.dtype() == DType.FLOAT && t.shape().equals(out) && t.isHost() && !sharedWithAnother(ctx, i) && ctx.mayOverwriteInput(i)) {
                return t;
            }
        }
        return ctx.allocateUninitialized(type, out);
    }

    private static boolean sharedWithAnother(KernelContext ctx, int i) {
        Object data = ctx.tensor(i).data();
        for (int j = 0; j < ctx.inputCount(); j++) {
            if (j != i && ctx.hasInput(j) && ctx.tensor(j).data() == data) {
                return true;
            }
        }
        return false;
    }

    /** Throws naming the inputs unless both have one element type the op is defined on. */
    static void checkTypes(String opType, BinaryOp op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new InvalidInputException(opType + " inputs 'A' and 'B': expected one element type, got " + a.describe() + " and "
                    + b.describe());
        }
        ComputeDomain d = ComputeDomain.of(a.dtype());
        boolean ok = d.isFloating() || d == ComputeDomain.INTEGER && op.acceptsIntegers() && a.dtype() != DType.BOOL;
        if (!ok) {
            throw new InvalidInputException(opType + " input 'A': expected a numeric tensor, got " + a.describe());
        }
    }

    /**
     * Fills {@code y} (of the plan's output shape and a's type) with op(a, b). {@code y} may be {@code a}
     * when a already has the output shape, which the variadic ops use to accumulate.
     */
    static void apply(BinaryOp op, BroadcastPlan plan, Tensor a, Tensor b, Tensor y, CpuExecution execution) {
        int as = plan.innerStride(0);
        int bs = plan.innerStride(1);
        long cost = op.cost();
        switch (ComputeDomain.of(a.dtype())) {
            case FLOAT32 -> {
                float[] af = a.floatData();
                float[] bf = b.floatData();
                float[] yf = y.floatData();
                execution.parallelFor(plan.size(), cost, (s, e) -> plan.forEachRun(s, e,
                        (pos, len, off) -> op.floats(af, off[0], as, bf, off[1], bs, yf, pos, len)));
            }
            case FLOAT64 -> {
                double[] ad = a.doubleData();
                double[] bd = b.doubleData();
                double[] yd = y.doubleData();
                execution.parallelFor(plan.size(), cost, (s, e) -> plan.forEachRun(s, e, (pos, len, off) -> {
                    for (int i = 0; i < len; i++) {
                        yd[pos + i] = op.apply(ad[off[0] + i * as], bd[off[1] + i * bs]);
                    }
                }));
            }
            case HALF -> execution.parallelFor(plan.size(), cost + 4, (s, e) -> {
                int block = Math.min(ElementCodec.BLOCK, e - s);
                float[] x1 = new float[block];
                float[] x2 = new float[block];
                float[] r = new float[block];
                plan.forEachRun(s, e, (pos, len, off) -> {
                    for (int p = 0; p < len; p += block) {
                        int n = Math.min(block, len - p);
                        ElementCodec.toFloat(a, off[0] + p * as, x1, 0, as == 0 ? 1 : n);
                        ElementCodec.toFloat(b, off[1] + p * bs, x2, 0, bs == 0 ? 1 : n);
                        op.floats(x1, 0, as, x2, 0, bs, r, 0, n);
                        ElementCodec.fromFloat(r, 0, y, pos + p, n);
                    }
                });
            });
            case INTEGER -> {
                boolean unsigned64 = a.dtype() == DType.UINT64;
                execution.parallelFor(plan.size(), cost + 4, (s, e) -> {
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
                                long u = x1[i * as];
                                long v = x2[i * bs];
                                r[i] = unsigned64 ? op.applyUnsigned64(u, v) : op.applyLong(u, v);
                            }
                            ElementCodec.fromLong(r, 0, y, pos + p, n);
                        }
                    });
                });
            }
            default -> throw new InvalidInputException("input 'A': no arithmetic on " + a.describe());
        }
    }
}
