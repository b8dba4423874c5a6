package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.NumericArrays;

/**
 * One kernel for every Reduce* op: resolves the axes (input or, for old opsets adapted by the importer,
 * the same input), plans the walk, and reduces float32 on its fast path, integers exactly in longs where
 * the op allows, and everything else in doubles. Reducing an empty set yields the op's identity finished
 * (0 for sums, 1 for products, -inf or the type's minimum for max, log(0) = -inf for LogSum).
 */
public final class ReduceKernel implements Kernel {
    private final ReduceOp op;
    private final boolean keepDims;
    private final boolean noopWithEmptyAxes;
    private final long[] attributeAxes;
    private final CpuExecution execution;

    public ReduceKernel(ReduceOp op, KernelRequest request, CpuExecution execution) {
        this.op = op;
        this.keepDims = request.node().getInt("keepdims", 1) != 0;
        this.noopWithEmptyAxes = request.node().getInt("noop_with_empty_axes", 0) != 0;
        this.attributeAxes = request.node().getInts("axes", null);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType t = x.dtype();
        boolean extreme = op == ReduceOp.MAX || op == ReduceOp.MIN;
        if (!NumericArrays.numeric(t) || (t == DType.BOOL && !extreme)) {
            throw new InvalidInputException("input 'data': " + op.opType() + " needs a numeric tensor, got " + x.describe());
        }
        int rank = x.rank();
        boolean[] reduced = reducedAxes(ctx, rank);
        long[] outDims = outputDims(x.dims(), reduced);
        int[] dims = x.shape().intDims();
        ReducePlan plan = ReducePlan.of(dims, reduced);
        if (plan.reduced() == 1 && !plan.needsTranspose() && op.identityOnOneElement()) {
            // nothing combines (empty axes with noop_with_empty_axes, or only extent-1 axes): a view, as Reshape gives
            ctx.setOutput(0, x.reshape(Shape.of(outDims)));
            return;
        }
        Tensor y = ctx.allocate(t, Shape.of(outDims));
        Tensor src = x;
        if (plan.needsTranspose()) {
            src = Tensor.zeros(t, Shape.of(x.elementCount()));
            plan.transposeSource(x.data(), src.data(), execution);
        }
        if (t == DType.FLOAT && FloatReductions.handles(op)) {
            FloatReductions.reduce(op, src.floatData(), plan, y.floatData(), execution);
        } else if (NumericArrays.integral(t) && op.exactForIntegers()) {
            long[] out = new long[y.size()];
            GenericReductions.reduce(op, NumericArrays.longs(src), plan, out, identity(t), t == DType.UINT64, execution);
            NumericArrays.store(out, y);
        } else {
            double[] out = new double[y.size()];
            GenericReductions.reduce(op, NumericArrays.doubles(src), plan, out, execution);
            NumericArrays.store(out, y);
        }
        ctx.setOutput(0, y);
    }

    private boolean[] reducedAxes(KernelContext ctx, int rank) {
        long[] axes = attributeAxes;
        if (ctx.hasInput(1)) {
            axes = Args.vector(ctx.tensor(1), "input 'axes'");
        }
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            java.util.Arrays.fill(reduced, !noopWithEmptyAxes);
            return reduced;
        }
        for (int a : Args.axes(axes, rank, "input 'axes'")) {
            reduced[a] = true;
        }
        return reduced;
    }

    private long[] outputDims(long[] in, boolean[] reduced) {
        int n = 0;
        for (int k = 0; k < in.length; k++) {
            if (keepDims || !reduced[k]) {
                n++;
            }
        }
        long[] out = new long[n];
        for (int k = 0, j = 0; k < in.length; k++) {
            if (keepDims) {
                out[j++] = reduced[k] ? 1 : in[k];
            } else if (!reduced[k]) {
                out[j++] = in[k];
            }
        }
        return out;
    }

    /** The long-domain identity; for max and min of an empty set, the type's smallest or largest value. */
    private long identity(DType t) {
        return switch (op.combine) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX -> IntegerLimits.min(t);
            case MIN -> IntegerLimits.max(t);
        };
    }
}
