package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.FloatMath;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * Softmax and LogSoftmax along one axis (opset 13 semantics: only that axis is normalized), with the
 * row maximum subtracted for stability. Float types use the vectorized float exponential of {@link FloatMath}, float64
 * uses {@link Math#exp}. The tensor is viewed
 * as (outer, n, inner); outer blocks are split over threads and the inner axis is the contiguous loop.
 */
final class SoftmaxKernel implements Kernel {
    private final String op;
    private final long axis;
    private final boolean log;
    private final CpuExecution execution;

    SoftmaxKernel(String op, long axis, boolean log, CpuExecution execution) {
        this.op = op;
        this.axis = axis;
        this.log = log;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        AxisView v = AxisView.of(op, x, axis);
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        if (x.dtype() == DType.DOUBLE) {
            double[] in = x.doubleData();
            double[] out = y.doubleData();
            execution.parallelFor(v.outer(), (long) v.n() * v.inner() * 8, (start, end) -> {
                for (int o = start; o < end; o++) {
                    normalize(in, out, o * v.n() * v.inner(), v.n(), v.inner());
                }
            });
        } else if (TensorArrays.computesInFloat(x.dtype())) {
            float[] in = TensorArrays.floats(x);
            float[] out = x.dtype() == DType.FLOAT ? y.floatData() : new float[y.size()];
            execution.parallelFor(v.outer(), (long) v.n() * v.inner() * 8, (start, end) -> {
                Scratch scratch = new Scratch(v.n(), v.inner());
                for (int o = start; o < end; o++) {
                    normalize(in, out, o * v.n() * v.inner(), v.n(), v.inner(), scratch);
                }
            });
            TensorArrays.store(out, y);
        } else {
            throw new UnsupportedOpException(op, "", ctx.opsetVersion(), "input has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        ctx.setOutput(0, y);
    }

    /** One (n x inner) block of floats; exponentials run over zero-based scratch rows so HotSpot vectorizes them. */
    private void normalize(float[] in, float[] out, int base, int n, int inner, Scratch s) {
        if (inner == 1) {
            normalizeRow(in, out, base, n, s);
            return;
        }
        float[] max = s.max;
        double[] sum = s.sum;
        Arrays.fill(max, 0, inner, Float.NEGATIVE_INFINITY);
        Arrays.fill(sum, 0, inner, 0);
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                max[j] = Math.max(max[j], in[row + j]);
            }
        }
        float[] t = s.t;
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                t[j] = in[row + j] - max[j];
            }
            FloatMath.exp(t, t, s.k, inner);
            for (int j = 0; j < inner; j++) {
                out[row + j] = t[j];
                sum[j] += t[j];
            }
        }
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                out[row + j] = log ? (float) (in[row + j] - max[j] - Math.log(sum[j])) : (float) (out[row + j] / sum[j]);
            }
        }
    }

    /** A contiguous row. */
    private void normalizeRow(float[] in, float[] out, int base, int n, Scratch s) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, in[base + i]);
        }
        float[] t = s.t;
        for (int i = 0; i < n; i++) {
            t[i] = in[base + i] - max;
        }
        FloatMath.exp(t, t, s.k, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += t[i];
        }
        if (log) {
            float shift = (float) (max + Math.log(sum));
            for (int j = 0; j < n; j++) {
                out[base + j] = in[base + j] - shift;
            }
        } else {
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) {
                out[base + j] = t[j] * inv;
            }
        }
    }

    /** One thread's working rows: the longest of n (row case) and inner (strided case). */
    private static final class Scratch {
        final float[] t;
        final float[] k;
        final float[] max;
        final double[] sum;

        Scratch(int n, int inner) {
            int len = inner == 1 ? n : inner;
            t = new float[len];
            k = new float[len];
            max = new float[inner];
            sum = new double[inner];
        }
    }

    private void normalize(double[] in, double[] out, int base, int n, int inner) {
        for (int j = 0; j < inner; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, in[base + i * inner + j]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(in[base + i * inner + j] - max);
            }
            double logSum = Math.log(sum);
            for (int i = 0; i < n; i++) {
                int k = base + i * inner + j;
                out[k] = log ? in[k] - max - logSum : Math.exp(in[k] - max) / sum;
            }
        }
    }
}
