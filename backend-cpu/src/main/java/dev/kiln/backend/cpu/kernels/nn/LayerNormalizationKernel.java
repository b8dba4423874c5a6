package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * LayerNormalization over axes [axis, rank) with Scale and optional B broadcast to X, and the optional
 * Mean and InvStdDev outputs in the stash_type precision. float64 input is normalized in float64; float32,
 * float16 and bfloat16 through {@link FloatRowNorm} (float sweeps, statistics totalled in float64). Rows are
 * split over threads when there are enough elements.
 */
final class LayerNormalizationKernel implements Kernel {
    private final long axis;
    private final double epsilon;
    private final DType stashType;
    private final CpuExecution execution;

    LayerNormalizationKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", -1);
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        this.stashType = stashType("LayerNormalization", request);
        this.execution = execution;
    }

    /** The type stash_type names; one of the floating types the statistics outputs may have. */
    static DType stashType(String op, KernelRequest request) {
        long code = request.node().getInt("stash_type", 1);
        DType t;
        try {
            t = DType.fromCode((int) code);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !(TensorArrays.computesInFloat(t) || t == DType.DOUBLE)) {
            throw new UnsupportedOpException(op, "", request.opsetVersion(), "attribute 'stash_type' is " + code
                    + "; expected a floating-point type code (1 float32, 10 float16, 11 float64, 16 bfloat16)");
        }
        return t;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType type = x.dtype();
        if (!TensorArrays.computesInFloat(type) && type != DType.DOUBLE) {
            throw new UnsupportedOpException("LayerNormalization", "", ctx.opsetVersion(), "input X has element type " + type
                    + "; expected float32, float64, float16 or bfloat16");
        }
        int ax = AxisView.normalize("LayerNormalization", axis, x.rank(), x.describe());
        long[] dims = x.dims();
        int rows = 1;
        for (int i = 0; i < ax; i++) {
            rows *= (int) dims[i];
        }
        int size = rows == 0 ? 0 : x.size() / rows;
        Tensor y = ctx.allocate(type, x.shape());
        if (type != DType.DOUBLE) {
            executeInFloat(ctx, x, y, dims, ax, rows, size);
            return;
        }
        double[] scale = RowStatistics.affine("LayerNormalization", "Scale", ctx.tensor(1), dims, ax);
        double[] bias = ctx.hasInput(2) ? RowStatistics.affine("LayerNormalization", "B", ctx.tensor(2), dims, ax) : null;
        boolean sharedScale = scale.length == size;
        boolean sharedBias = bias == null || bias.length == size;
        double[] in = x.doubleData();
        double[] out = y.doubleData();
        RowStatistics st = RowStatistics.of(in, rows, size, true, epsilon, execution);
        execution.parallelFor(rows, size, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * size;
                int so = sharedScale ? 0 : base;
                int bo = sharedBias ? 0 : base;
                double m = st.mean[r];
                double inv = st.invStd[r];
                for (int j = 0; j < size; j++) {
                    out[base + j] = (in[base + j] - m) * inv * scale[so + j] + (bias == null ? 0 : bias[bo + j]);
                }
            }
        });
        ctx.setOutput(0, y);
        storeStatistics(ctx, dims, ax, st.mean, st.invStd);
    }

    /**
     * float32 straight on the tensors' arrays, float16/bfloat16 through float copies; the statistics are kept
     * only when an output asks for them.
     */
    private void executeInFloat(KernelContext ctx, Tensor x, Tensor y, long[] dims, int ax, int rows, int size) {
        boolean direct = x.dtype() == DType.FLOAT;
        float[] in = direct ? x.floatData() : TensorArrays.floats(x);
        float[] out = direct ? y.floatData() : new float[y.size()];
        float[] scale = FloatRowNorm.affine("LayerNormalization", "Scale", ctx.tensor(1), dims, ax, size);
        float[] bias = ctx.hasInput(2) ? FloatRowNorm.affine("LayerNormalization", "B", ctx.tensor(2), dims, ax, size) : null;
        boolean stats = statisticsRequested(ctx);
        FloatRowNorm.Job job = new FloatRowNorm.Job(in, out, rows, size, scale, scale.length == size, bias,
                bias == null || bias.length == size, epsilon, stats ? new double[rows] : null, stats ? new double[rows] : null);
        FloatRowNorm.run(job, execution);
        if (!direct) {
            TensorArrays.store(out, y);
        }
        ctx.setOutput(0, y);
        if (stats) {
            storeStatistics(ctx, dims, ax, job.mean(), job.invStd());
        }
    }

    private static boolean statisticsRequested(KernelContext ctx) {
        return ctx.outputCount() > 1 && ctx.isOutputRequested(1) || ctx.outputCount() > 2 && ctx.isOutputRequested(2);
    }

    /** Sets the Mean and InvStdDev outputs that are requested, in the stash_type precision. */
    private void storeStatistics(KernelContext ctx, long[] dims, int ax, double[] meanValues, double[] invValues) {
        long[] statDims = dims.clone();
        for (int i = ax; i < statDims.length; i++) {
            statDims[i] = 1;
        }
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            Tensor mean = ctx.allocate(stashType, Shape.of(statDims));
            TensorArrays.store(meanValues, mean);
            ctx.setOutput(1, mean);
        }
        if (ctx.outputCount() > 2 && ctx.isOutputRequested(2)) {
            Tensor inv = ctx.allocate(stashType, Shape.of(statDims));
            TensorArrays.store(invValues, inv);
            ctx.setOutput(2, inv);
        }
    }
}
