package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * ConvTranspose of any spatial rank with groups, strides, dilations, pads, output_padding, output_shape
 * and auto_pad. Per image and group, one GEMM (W^T x X, OpenBLAS) gives every tap's contribution, and
 * col2im adds them into the output: the adjoint of Conv's im2col over the same window, read backwards.
 */
final class ConvTransposeKernel implements Kernel {
    private final WindowAttributes attributes;
    private final int group;
    private final long[] outputPadding;
    private final long[] outputShape;
    private final CpuExecution execution;

    ConvTransposeKernel(KernelRequest request, CpuExecution execution) {
        Node node = request.node();
        this.attributes = WindowAttributes.of(node, request.opsetVersion());
        this.group = (int) node.getInt("group", 1);
        this.outputPadding = node.getInts("output_padding", null);
        this.outputShape = node.getInts("output_shape", null);
        this.execution = execution;
        if (group < 1) {
            throw new UnsupportedOpException("ConvTranspose", "", request.opsetVersion(), "attribute 'group' must be positive, got " + group);
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor w = ctx.tensor(1);
        Tensor b = ctx.hasInput(2) ? ctx.tensor(2) : null;
        if (x.rank() < 3 || w.rank() != x.rank()) {
            throw new InvalidInputException("ConvTranspose: input X must be (N x C x D1 ...) and W (C x M/group x k1 ...) of the same rank, got X "
                    + x.describe() + " and W " + w.describe());
        }
        if (w.dtype() != x.dtype() || b != null && b.dtype() != x.dtype()) {
            throw new InvalidInputException("ConvTranspose: X, W and B must share one element type, got X " + x.describe()
                    + ", W " + w.describe() + (b == null ? "" : ", B " + b.describe()));
        }
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        if (w.dim(0) != c || c % group != 0) {
            throw new InvalidInputException("ConvTranspose: W must have X's " + c + " channels (divisible by group=" + group
                    + ") as its first dimension, got X " + x.describe() + " and W " + w.describe());
        }
        int m = (int) w.dim(1) * group;
        if (b != null && (b.rank() != 1 || b.dim(0) != m)) {
            throw new InvalidInputException("ConvTranspose: input B must be a vector of " + m + " values, got " + b.describe());
        }
        Window win = window(x.dims(), w.dims());
        long[] yDims = new long[x.rank()];
        yDims[0] = n;
        yDims[1] = m;
        for (int i = 0; i < win.rank(); i++) {
            yDims[i + 2] = win.in[i];
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(yDims));
        int cg = c / group;
        int mg = m / group;
        int xSize = win.outSize();
        int ySize = win.inSize();
        int rows = mg * win.kernelSize();
        if (TensorArrays.computesInFloat(x.dtype())) {
            float[] xv = TensorArrays.floats(x);
            float[] wv = TensorArrays.floats(w);
            float[] out = x.dtype() == DType.FLOAT ? y.floatData() : new float[y.size()];
            float[] col = Scratch.floats(rows * xSize);
            for (int img = 0; img < n; img++) {
                for (int g = 0; g < group; g++) {
                    Blas.sgemm(execution, true, false, rows, xSize, cg, 1f, Blas.Floats.of(wv, g * cg * rows, rows),
                            Blas.Floats.of(xv, (img * c + g * cg) * xSize, xSize), col, 0, xSize);
                    Im2Col.scatterAdd(col, mg, win, out, (img * m + g * mg) * ySize, execution);
                }
            }
            if (b != null) {
                ConvBias.add(TensorArrays.floats(b), out, n, m, ySize, execution);
            }
            TensorArrays.store(out, y);
        } else if (x.dtype() == DType.DOUBLE) {
            double[] xv = x.doubleData();
            double[] wv = w.doubleData();
            double[] out = y.doubleData();
            double[] col = Scratch.doubles(rows * xSize);
            for (int img = 0; img < n; img++) {
                for (int g = 0; g < group; g++) {
                    Blas.dgemm(execution, true, false, rows, xSize, cg, 1, wv, g * cg * rows, rows, xv, (img * c + g * cg) * xSize,
                            xSize, col, 0, xSize);
                    Im2Col.scatterAdd(col, mg, win, out, (img * m + g * mg) * ySize, execution);
                }
            }
            if (b != null) {
                ConvBias.add(b.doubleData(), out, n, m, ySize, execution);
            }
        } else {
            throw new UnsupportedOpException("ConvTranspose", "", ctx.opsetVersion(),
                    "input X has element type " + x.dtype() + "; expected float32, float64, float16 or bfloat16");
        }
        ctx.setOutput(0, y);
    }

    /**
     * The Conv window that maps the output (as Conv's input) onto X (as Conv's output): its {@code in} is
     * the ConvTranspose output's spatial shape and its {@code out} is X's spatial shape.
     */
    private Window window(long[] xDims, long[] wDims) {
        int rank = xDims.length - 2;
        attributes.requireSupportedRank(rank);
        int[] in = new int[rank];
        int[] kernel = new int[rank];
        for (int i = 0; i < rank; i++) {
            in[i] = Math.toIntExact(xDims[i + 2]);
            kernel[i] = Math.toIntExact(wDims[i + 2]);
            if (attributes.kernelShape != null && i < attributes.kernelShape.length && attributes.kernelShape[i] != kernel[i]) {
                throw new InvalidInputException("ConvTranspose: attribute 'kernel_shape' " + Arrays.toString(attributes.kernelShape)
                        + " does not match the spatial dimensions of W " + Arrays.toString(wDims));
            }
        }
        int[] s = attributes.strides(rank);
        int[] d = attributes.dilations(rank);
        int[] adj = new int[rank];
        if (outputPadding != null) {
            if (outputPadding.length != rank) {
                throw new InvalidInputException("ConvTranspose: attribute 'output_padding' has " + outputPadding.length
                        + " values; expected " + rank);
            }
            for (int i = 0; i < rank; i++) {
                adj[i] = Math.toIntExact(outputPadding[i]);
            }
        }
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        int[] out = new int[rank];
        int[] explicit = attributes.pads(rank);
        for (int i = 0; i < rank; i++) {
            int full = s[i] * (in[i] - 1) + adj[i] + (kernel[i] - 1) * d[i] + 1;
            if (outputShape != null) {
                if (outputShape.length != rank && outputShape.length != rank + 2) {
                    throw new InvalidInputException("ConvTranspose: attribute 'output_shape' has " + outputShape.length
                            + " values; expected " + rank + " spatial sizes");
                }
                out[i] = Math.toIntExact(outputShape[outputShape.length - rank + i]);
                int total = full - out[i];
                splitPadding(total, attributes.autoPad == WindowAttributes.AutoPad.SAME_UPPER, pb, pe, i);
            } else if (attributes.autoPad == WindowAttributes.AutoPad.SAME_UPPER
                    || attributes.autoPad == WindowAttributes.AutoPad.SAME_LOWER) {
                out[i] = in[i] * s[i];
                splitPadding(Math.max(0, full - out[i]), attributes.autoPad == WindowAttributes.AutoPad.SAME_UPPER, pb, pe, i);
            } else if (attributes.autoPad == WindowAttributes.AutoPad.VALID) {
                out[i] = full;
            } else {
                pb[i] = explicit[i];
                pe[i] = explicit[i + rank];
                out[i] = full - pb[i] - pe[i];
            }
            if (out[i] < 0) {
                throw new InvalidInputException("ConvTranspose: spatial dimension " + i + " of the output would be " + out[i]
                        + " (input " + in[i] + ", padding " + pb[i] + "+" + pe[i] + ")");
            }
        }
        return new Window(out, kernel, s, d, pb, pe, in);
    }

    /** Splits total padding: the odd element goes to the end for SAME_UPPER and to the beginning otherwise. */
    private static void splitPadding(int total, boolean upper, int[] pb, int[] pe, int i) {
        int half = Math.floorDiv(total, 2);
        pb[i] = upper ? half : total - half;
        pe[i] = total - pb[i];
    }
}
