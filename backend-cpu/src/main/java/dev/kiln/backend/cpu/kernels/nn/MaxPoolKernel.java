package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * MaxPool with ceil_mode, dilations, pads/auto_pad and the optional Indices output (flat indices into X,
 * row-major or, with storage_order=1, column-major over the spatial axes). Padding never wins: a window
 * with no element inside X yields -infinity; a NaN in a window wins. One (batch, channel) plane per task.
 */
final class MaxPoolKernel implements Kernel {
    private final PoolPlan.Cache plans;
    private final boolean columnMajor;
    private final CpuExecution execution;

    MaxPoolKernel(KernelRequest request, CpuExecution execution) {
        this.plans = new PoolPlan.Cache(request.node(), request.opsetVersion());
        this.columnMajor = request.node().getInt("storage_order", 0) == 1;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType type = x.dtype();
        if (!TensorArrays.computesInFloat(type) && type != DType.DOUBLE && type != DType.INT8 && type != DType.UINT8) {
            throw new UnsupportedOpException("MaxPool", "", ctx.opsetVersion(), "input X has element type " + type
                    + "; expected float32, float64, float16, bfloat16, int8 or uint8");
        }
        // the outputs first: an absurd one (huge pads) fails against the run's budget before the plan is built
        boolean wantIndices = ctx.outputCount() > 1 && ctx.isOutputRequested(1);
        // the float values-only pass writes every output (a window with no input tap gets -infinity): no clearing
        Tensor y = !wantIndices && type != DType.DOUBLE ? ctx.allocateUninitialized(type, plans.output(x)) : ctx.allocate(type, plans.output(x));
        Tensor indices = wantIndices ? ctx.allocate(DType.INT64, y.shape()) : null;
        PoolPlan p = plans.plan(x);
        long[] idx = wantIndices ? indices.longData() : null;
        if (type == DType.DOUBLE) {
            pool(p, x.doubleData(), y.doubleData(), idx);
        } else {
            float[] out = type == DType.FLOAT ? y.floatData() : new float[y.size()];
            if (idx == null) {
                poolSeparably(p, TensorArrays.floats(x), out);
            } else {
                pool(p, TensorArrays.floats(x), out, idx);
            }
            TensorArrays.store(out, y);
        }
        ctx.setOutput(0, y);
        if (wantIndices) {
            if (columnMajor) {
                toColumnMajor(idx, p.window());
            }
            ctx.setOutput(1, indices);
        }
    }

    /**
     * Values only: the maximum over the two outer window axes is taken for a whole input row at once (a
     * contiguous, vectorizable pass) into a row padded with -infinity on both sides, then the taps along that
     * row are combined tap by tap over all outputs (independent maxima instead of one dependent chain per
     * output, and no bounds tests: padding is -infinity, which never wins).
     */
    private void poolSeparably(PoolPlan p, float[] x, float[] y) {
        Window.Axis a0 = p.axes()[0];
        Window.Axis a1 = p.axes()[1];
        Window.Axis a2 = p.axes()[2];
        int inSize = p.window().inSize();
        int outSize = p.window().outSize();
        int width = a2.in();
        int lead = a2.padBegin();
        int span = Math.max(lead + width, a2.stride() * (a2.out() - 1) + (a2.kernel() - 1) * a2.dilation() + 1);
        execution.parallelFor(p.planes(), (long) p.window().kernelSize() * outSize, (start, end) -> {
            float[] row = new float[span];
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            for (int plane = start; plane < end; plane++) {
                int xb = plane * inSize;
                int yo = plane * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    for (int o1 = 0; o1 < a1.out(); o1++, yo += a2.out()) {
                        boolean any = false;
                        for (int t0 = p.firstTap()[0][o0]; t0 < p.endTap()[0][o0]; t0++) {
                            int i0 = a0.input(o0, t0);
                            for (int t1 = p.firstTap()[1][o1]; t1 < p.endTap()[1][o1]; t1++) {
                                int src = xb + (i0 * a1.in() + a1.input(o1, t1)) * width;
                                if (!any) {
                                    System.arraycopy(x, src, row, lead, width);
                                    any = true;
                                } else {
                                    for (int i = 0; i < width; i++) {
                                        row[lead + i] = Math.max(row[lead + i], x[src + i]);
                                    }
                                }
                            }
                        }
                        if (!any) {
                            Arrays.fill(y, yo, yo + a2.out(), Float.NEGATIVE_INFINITY);
                            continue;
                        }
                        int stride = a2.stride();
                        for (int o2 = 0; o2 < a2.out(); o2++) {
                            y[yo + o2] = row[o2 * stride];
                        }
                        for (int t2 = 1; t2 < a2.kernel(); t2++) {
                            int off = t2 * a2.dilation();
                            for (int o2 = 0; o2 < a2.out(); o2++) {
                                y[yo + o2] = Math.max(y[yo + o2], row[o2 * stride + off]);
                            }
                        }
                    }
                }
            }
        });
    }

    private void pool(PoolPlan p, float[] x, float[] y, long[] indices) {
        Window.Axis a0 = p.axes()[0];
        Window.Axis a1 = p.axes()[1];
        Window.Axis a2 = p.axes()[2];
        int inSize = p.window().inSize();
        int outSize = p.window().outSize();
        execution.parallelFor(p.planes(), (long) p.window().kernelSize() * outSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xb = plane * inSize;
                int yo = plane * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    for (int o1 = 0; o1 < a1.out(); o1++) {
                        for (int o2 = 0; o2 < a2.out(); o2++, yo++) {
                            float best = Float.NEGATIVE_INFINITY;
                            int arg = 0;
                            for (int t0 = p.firstTap()[0][o0]; t0 < p.endTap()[0][o0]; t0++) {
                                int i0 = a0.input(o0, t0);
                                for (int t1 = p.firstTap()[1][o1]; t1 < p.endTap()[1][o1]; t1++) {
                                    int row = (i0 * a1.in() + a1.input(o1, t1)) * a2.in() + a2.input(o2, 0);
                                    for (int t2 = p.firstTap()[2][o2]; t2 < p.endTap()[2][o2]; t2++) {
                                        int k = row + t2 * a2.dilation();
                                        if (x[xb + k] > best || x[xb + k] != x[xb + k]) {
                                            best = x[xb + k];
                                            arg = k;
                                        }
                                    }
                                }
                            }
                            y[yo] = best;
                            if (indices != null) {
                                indices[yo] = (long) xb + arg;
                            }
                        }
                    }
                }
            }
        });
    }

    private void pool(PoolPlan p, double[] x, double[] y, long[] indices) {
        Window.Axis a0 = p.axes()[0];
        Window.Axis a1 = p.axes()[1];
        Window.Axis a2 = p.axes()[2];
        int inSize = p.window().inSize();
        int outSize = p.window().outSize();
        execution.parallelFor(p.planes(), (long) p.window().kernelSize() * outSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xb = plane * inSize;
                int yo = plane * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    for (int o1 = 0; o1 < a1.out(); o1++) {
                        for (int o2 = 0; o2 < a2.out(); o2++, yo++) {
                            double best = Double.NEGATIVE_INFINITY;
                            int arg = 0;
                            for (int t0 = p.firstTap()[0][o0]; t0 < p.endTap()[0][o0]; t0++) {
                                int i0 = a0.input(o0, t0);
                                for (int t1 = p.firstTap()[1][o1]; t1 < p.endTap()[1][o1]; t1++) {
                                    int row = (i0 * a1.in() + a1.input(o1, t1)) * a2.in() + a2.input(o2, 0);
                                    for (int t2 = p.firstTap()[2][o2]; t2 < p.endTap()[2][o2]; t2++) {
                                        int k = row + t2 * a2.dilation();
                                        if (x[xb + k] > best || x[xb + k] != x[xb + k]) {
                                            best = x[xb + k];
                                            arg = k;
                                        }
                                    }
                                }
                            }
                            y[yo] = best;
                            if (indices != null) {
                                indices[yo] = (long) xb + arg;
                            }
                        }
                    }
                }
            }
        });
    }

    /** Rewrites row-major flat indices so that the spatial part counts the first spatial axis fastest. */
    private static void toColumnMajor(long[] indices, Window w) {
        int inSize = w.inSize();
        int rank = w.rank();
        for (int i = 0; i < indices.length; i++) {
            long plane = indices[i] / inSize;
            long rem = indices[i] % inSize;
            long colMajor = 0;
            long colStride = 1;
            long rowStride = inSize;
            for (int d = 0; d < rank; d++) {
                rowStride /= w.in[d];
                long coord = rem / rowStride;
                rem %= rowStride;
                colMajor += coord * colStride;
                colStride *= w.in[d];
            }
            indices[i] = plane * inSize + colMajor;
        }
    }
}
