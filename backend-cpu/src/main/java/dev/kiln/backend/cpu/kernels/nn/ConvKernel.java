package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;
import java.util.Arrays;

/**
 * Conv over 1-D, 2-D and 3-D (any rank) inputs with groups, strides, pads, dilations, auto_pad and bias.
 * Each image and group is an im2col gather (into native memory for float) followed by one GEMM (OpenBLAS;
 * float16/bfloat16 through float32); a 1x1 unpadded unit-stride window skips the gather, and depthwise groups (one input channel
 * each) convolve directly. A constant float32 W is copied to native memory once at compile time.
 *
 * <p>When the SIMD kernels are on ({@link Simd#enabled()}), float convolutions other than depthwise ones and very
 * long reductions ({@link #SIMD_MAX_K}) run on the Vector API GEMM instead, bias and any fused residual and
 * activation applied as the product's epilogue: 1-D and 2-D windows of more than one tap with no im2col at all
 * ({@link SimdTapConv}), the rest with im2col straight into packed panels ({@link SimdConv}). The OpenBLAS path
 * above stays for double and when SIMD is off.
 */
final class ConvKernel implements Kernel {
    /**
     * Longest reduction (channels per group x taps) the SIMD path takes. Its GEMM sums each output along K in one
     * chain, whose rounding error grows with K; weight-gradient convs (K = batch x output plane, tens of thousands)
     * stay on OpenBLAS, whose accumulation rounds less (with them on the SIMD path, SparkTrainerClusterTest's
     * weights drifted 7.6e-4 from the one-process run after 50 steps, against 6.6e-6). ResNet's longest is 4608.
     */
    static final int SIMD_MAX_K = 4608;
    private final WindowAttributes attributes;
    private final int group;
    private final CpuExecution execution;
    private final Tensor constantW;
    private final Blas.NativeFloats packedW;
    private final boolean simd;
    private volatile ConvPlan plan;

    ConvKernel(KernelRequest request, CpuExecution execution) {
        this(request, execution, Simd.enabled() && SimdGemm.preferred());
    }

    /** {@code useSimd} false keeps the OpenBLAS path (tests compare the two in one JVM); true needs {@link Simd#enabled()}. */
    ConvKernel(KernelRequest request, CpuExecution execution, boolean useSimd) {
        this.attributes = WindowAttributes.of(request.node(), request.opsetVersion());
        this.group = (int) request.node().getInt("group", 1);
        this.execution = execution;
        if (group < 1) {
            throw new UnsupportedOpException("Conv", "", request.opsetVersion(), "attribute 'group' must be positive, got " + group);
        }
        this.simd = useSimd;
        Tensor w = request.constantInputs().get(1);
        if (w != null && w.isHost() && w.dtype() == DType.FLOAT && !simd) {
            this.constantW = w;
            this.packedW = Blas.pack(w.floatData(), 0, w.size());
        } else {
            this.constantW = null;
            this.packedW = null;
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, compute(ctx, null));
    }

    /**
     * Y = Conv(X, W), then for float results {@code fused} (bias, residual, activation) when it is not null, or
     * else plus the node's B when it has one; the inputs are checked first. Returns the output tensor, allocated
     * from {@code ctx}.
     */
    Tensor compute(KernelContext ctx, ConvEpilogue fused) {
        Tensor x = ctx.tensor(0);
        Tensor w = ctx.tensor(1);
        Tensor b = ctx.hasInput(2) ? ctx.tensor(2) : null;
        if (x.rank() < 3 || w.rank() != x.rank()) {
            throw new InvalidInputException("Conv: input X must be (N x C x D1 ...) and W (M x C/group x k1 ...) of the same rank, got X "
                    + x.describe() + " and W " + w.describe());
        }
        if (w.dtype() != x.dtype() || b != null && b.dtype() != x.dtype()) {
            throw new InvalidInputException("Conv: X, W and B must share one element type, got X " + x.describe() + ", W "
                    + w.describe() + (b == null ? "" : ", B " + b.describe()));
        }
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int m = (int) w.dim(0);
        if (c != w.dim(1) * group || m % group != 0) {
            throw new InvalidInputException("Conv: with group=" + group + ", X " + x.describe() + " needs W of shape [M, "
                    + (c % group == 0 ? String.valueOf(c / group) : "C/group") + ", ...] with M divisible by " + group + ", got W " + w.describe());
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != m)) {
            throw new InvalidInputException("Conv: input B must be a vector of " + m + " values, got " + b.describe());
        }
        ConvPlan p = plan(x.dims(), w.dims());
        Window win = p.window();
        Geometry g = new Geometry(n, c, m, group, win.inSize(), win.outSize(), win.kernelSize());
        boolean simdPath = simd && TensorArrays.computesInFloat(x.dtype()) && !(g.cg == 1 && g.group > 1) && g.cg * g.taps <= SIMD_MAX_K;
        // the SIMD paths write every element of Y: clearing a recycled array first would be a serial pass for nothing
        Shape yShape = Shape.of(outputDims(x.dims(), w.dims()));
        Tensor y = simdPath ? ctx.allocateUninitialized(x.dtype(), yShape) : ctx.allocate(x.dtype(), yShape);
        if (TensorArrays.computesInFloat(x.dtype())) {
            float[] out = x.dtype() == DType.FLOAT ? y.floatData() : new float[y.size()];
            ConvEpilogue epilogue = fused != null ? fused : b == null ? ConvEpilogue.NONE
                    : new ConvEpilogue(TensorArrays.floats(b), null, null);
            if (simdPath) {
                if (SimdTapConv.applies(win)) {
                    SimdTapConv.convolve(g, win, TensorArrays.floats(x), TensorArrays.floats(w), out, epilogue, execution);
                } else {
                    SimdConv.convolve(g, win, TensorArrays.floats(x), TensorArrays.floats(w), out, epilogue, execution);
                }
            } else {
                boolean packed = packedW != null && w.data() == constantW.data();
                convolve(g, p, TensorArrays.floats(x), TensorArrays.floats(w), packed ? packedW : null, out);
                epilogue.applyPlanes(out, n, m, g.outSize, execution);
            }
            TensorArrays.store(out, y);
        } else if (x.dtype() == DType.DOUBLE) {
            double[] out = y.doubleData();
            convolve(g, p, x.doubleData(), w.doubleData(), out);
            if (b != null && fused == null) {
                ConvBias.add(b.doubleData(), out, n, m, g.outSize, execution);
            }
        } else {
            throw new UnsupportedOpException("Conv", "", ctx.opsetVersion(),
                    "input X has element type " + x.dtype() + "; expected float32, float64, float16 or bfloat16");
        }
        return y;
    }

    /** Y's dimensions for X and W of these (valid, same-rank) shapes. */
    long[] outputDims(long[] xDims, long[] wDims) {
        Window win = plan(xDims, wDims).window();
        long[] yDims = new long[xDims.length];
        yDims[0] = xDims[0];
        yDims[1] = wDims[0];
        for (int i = 0; i < win.rank(); i++) {
            yDims[i + 2] = win.out[i];
        }
        return yDims;
    }

    private ConvPlan plan(long[] xDims, long[] wDims) {
        ConvPlan p = plan;
        if (p != null && Arrays.equals(p.xDims(), xDims) && Arrays.equals(p.wDims(), wDims)) {
            return p;
        }
        int rank = xDims.length - 2;
        int[] in = new int[rank];
        int[] kernel = new int[rank];
        for (int i = 0; i < rank; i++) {
            in[i] = Math.toIntExact(xDims[i + 2]);
            kernel[i] = Math.toIntExact(wDims[i + 2]);
            if (attributes.kernelShape != null && i < attributes.kernelShape.length && attributes.kernelShape[i] != kernel[i]) {
                throw new InvalidInputException("Conv: attribute 'kernel_shape' " + Arrays.toString(attributes.kernelShape)
                        + " does not match the spatial dimensions of W " + Arrays.toString(wDims));
            }
        }
        Window win = attributes.resolve(in, kernel);
        p = new ConvPlan(xDims, wDims, win);
        plan = p;
        return p;
    }

    private void convolve(Geometry g, ConvPlan p, float[] x, float[] w, Blas.NativeFloats packedW, float[] y) {
        if (g.cg == 1 && g.group > 1) {
            DirectConv.depthwise(g, p.window(), x, w, y, execution);
            return;
        }
        int rows = g.cg * g.taps;
        Blas.NativeFloats col = p.window().isPointwise() ? null : Blas.scratch(rows * g.outSize);
        for (int img = 0; img < g.n; img++) {
            for (int grp = 0; grp < g.group; grp++) {
                int xOff = (img * g.c + grp * g.cg) * g.inSize;
                int yOff = (img * g.m + grp * g.mg) * g.outSize;
                Blas.Floats columns;
                if (col == null) {
                    columns = Blas.Floats.of(x, xOff, g.outSize);
                } else {
                    Im2Col.gather(x, xOff, g.cg, p.window(), col.buffer(), execution);
                    columns = Blas.Floats.of(col, 0, g.outSize);
                }
                int wOff = grp * g.mg * rows;
                Blas.Floats weights = packedW != null ? Blas.Floats.of(packedW, wOff, rows) : Blas.Floats.of(w, wOff, rows);
                Blas.sgemm(execution, false, false, g.mg, g.outSize, rows, 1f, weights, columns, y, yOff, g.outSize);
            }
        }
    }

    private void convolve(Geometry g, ConvPlan p, double[] x, double[] w, double[] y) {
        if (g.cg == 1 && g.group > 1) {
            DirectConv.depthwise(g, p.window(), x, w, y, execution);
            return;
        }
        int rows = g.cg * g.taps;
        double[] col = p.window().isPointwise() ? null : Scratch.doubles(rows * g.outSize);
        for (int img = 0; img < g.n; img++) {
            for (int grp = 0; grp < g.group; grp++) {
                int xOff = (img * g.c + grp * g.cg) * g.inSize;
                int yOff = (img * g.m + grp * g.mg) * g.outSize;
                double[] bMat = x;
                int bOff = xOff;
                if (col != null) {
                    Im2Col.gather(x, xOff, g.cg, p.window(), col, execution);
                    bMat = col;
                    bOff = 0;
                }
                Blas.dgemm(execution, false, false, g.mg, g.outSize, rows, 1, w, grp * g.mg * rows, rows, bMat, bOff, g.outSize,
                        y, yOff, g.outSize);
            }
        }
    }

    /** The window for one pair of X and W shapes. */
    private record ConvPlan(long[] xDims, long[] wDims, Window window) {
    }

    /** Sizes of one Conv run: batch, channels in/out, groups and per-group channels, spatial sizes, kernel taps. */
    record Geometry(int n, int c, int m, int group, int inSize, int outSize, int taps, int cg, int mg) {
        Geometry(int n, int c, int m, int group, int inSize, int outSize, int taps) {
            this(n, c, m, group, inSize, outSize, taps, c / group, m / group);
        }
    }
}
