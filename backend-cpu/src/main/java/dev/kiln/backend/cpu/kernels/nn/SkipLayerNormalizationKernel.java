package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.LinalgKernels;
import dev.kiln.backend.cpu.simd.SimdRowNorm;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import java.util.Arrays;

/**
 * {@code dev.kiln::SkipLayerNormalization(X, Skip, Scale, B?) -> (Y, Sum?)}: {@code Sum = X + Skip} under
 * multidirectional broadcasting, then {@code Y = LayerNormalization(Sum, Scale, B)} over axes [axis, rank)
 * (attributes {@code axis}, default -1, and {@code epsilon}, default 1e-5). float32 only. When X and Skip have
 * one shape (a residual connection), each row is added and normalized while it is in L1, so the sum never
 * makes a round trip through memory unless output Sum is requested.
 */
final class SkipLayerNormalizationKernel implements Kernel {
    static final String OP = "SkipLayerNormalization";

    private final long axis;
    private final double epsilon;
    private final CpuExecution execution;

    SkipLayerNormalizationKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", -1);
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor skip = ctx.tensor(1);
        if (x.dtype() != DType.FLOAT || skip.dtype() != DType.FLOAT) {
            throw new UnsupportedOpException(OP, LinalgKernels.FUSED_DOMAIN, ctx.opsetVersion(), "inputs X and Skip are " + x.describe()
                    + " and " + skip.describe() + "; expected float32 for both");
        }
        boolean sameShape = Arrays.equals(x.dims(), skip.dims());
        BroadcastPlan plan = sameShape ? null : BroadcastPlan.of(x.shape(), skip.shape());
        Shape shape = sameShape ? x.shape() : plan.outputShape();
        long[] dims = shape.dims();
        int ax = AxisView.normalize(OP, axis, dims.length, shape.toString());
        int rows = 1;
        for (int i = 0; i < ax; i++) {
            rows *= (int) dims[i];
        }
        int size = rows == 0 ? 0 : (int) (shape.elementCount() / rows);
        float[] scale = FloatRowNorm.affine(OP, "Scale", ctx.tensor(2), dims, ax, size);
        float[] bias = ctx.hasInput(3) ? FloatRowNorm.affine(OP, "B", ctx.tensor(3), dims, ax, size) : null;
        // every element of Y (and Sum) is written below; X itself takes Y when this node is its last reader
        Tensor y = sameShape && ctx.mayOverwriteInput(0) ? x : ctx.allocateUninitialized(DType.FLOAT, shape);
        boolean keepSum = ctx.outputCount() > 1 && ctx.isOutputRequested(1);
        // without a Sum output the sum is built in Y and normalized in place
        Tensor sum = keepSum ? ctx.allocateUninitialized(DType.FLOAT, shape) : y;
        float[] s = sum.floatData();
        float[] xf = x.floatData();
        float[] kf = skip.floatData();
        FloatRowNorm.Job job = new FloatRowNorm.Job(s, y.floatData(), rows, size, scale, scale.length == size, bias,
                bias == null || bias.length == size, epsilon, null, null);
        if (sameShape && FloatRowNorm.simdApplies(job)) {
            float[] yf = y.floatData();
            float[] keep = keepSum ? s : null;
            execution.parallelFor(rows, size, (start, end) -> {
                for (int r = start; r < end; r++) {
                    int base = r * size;
                    SimdRowNorm.normalize(xf, base, kf, base, keep, base, yf, base, size, scale, bias, epsilon, null);
                }
            });
        } else if (sameShape) {
            float[] yf = y.floatData();
            execution.parallelFor(rows, size, (start, end) -> {
                // scratch rows from index 0, as in FloatRowNorm, so that the loops vectorize
                float[] row = new float[size];
                float[] other = new float[size];
                for (int r = start; r < end; r++) {
                    int base = r * size;
                    System.arraycopy(xf, base, row, 0, size);
                    System.arraycopy(kf, base, other, 0, size);
                    for (int k = 0; k < size; k++) {
                        row[k] += other[k];
                    }
                    if (keepSum) {
                        System.arraycopy(row, 0, s, base, size);
                    }
                    FloatRowNorm.normalizeRow(job, row, r);
                    System.arraycopy(row, 0, yf, base, size);
                }
            });
        } else {
            int xs = plan.innerStride(0);
            int ks = plan.innerStride(1);
            execution.parallelFor(plan.size(), 1, (start, end) -> plan.forEachRun(start, end, (pos, len, off) -> {
                for (int i = 0; i < len; i++) {
                    s[pos + i] = xf[off[0] + i * xs] + kf[off[1] + i * ks];
                }
            }));
            FloatRowNorm.run(job, execution);
        }
        ctx.setOutput(0, y);
        if (keepSum) {
            ctx.setOutput(1, sum);
        }
    }
}
