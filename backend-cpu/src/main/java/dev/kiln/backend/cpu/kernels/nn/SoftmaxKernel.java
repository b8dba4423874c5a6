package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.util.FloatMath;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * Softmax and LogSoftmax along one axis (opset 13 semantics: only that axis is normalized), with the
 * row maximum subtracted for stability. Float types use the Vector API exponential of {@link SimdMath} when
 * {@link Simd#enabled()}, else the auto-vectorized one of {@link FloatMath}; float64 uses {@link Math#exp}. The tensor is viewed
 * as (outer, n, inner); outer blocks are split over threads and the inner axis is the contiguous loop.
 */
final class SoftmaxKernel implements Kernel {
    private final String op;
    private final long axis;
    private final boolean log;
    private final CpuExecution execution;
    private final boolean simd;

    SoftmaxKernel(String op, long axis, boolean log, CpuExecution execution) {
        this(op, axis, log, execution, Simd.enabled());
    }

    /** With {@code simd} (only where {@link Simd#enabled()}) float rows use {@link SimdMath}; tests pick either path. */
    SoftmaxKernel(String op, long axis, boolean log, CpuExecution execution, boolean simd) {
        this.op = op;
        this.axis = axis;
        this.log = log;
        this.execution = execution;
        this.simd = simd;
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
            floats(in, out, v.outer(), v.n(), v.inner());
            TensorArrays.store(out, y);
        } else {
            throw new UnsupportedOpException(op, "", ctx.opsetVersion(), "input has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        ctx.setOutput(0, y);
    }

    /** Softmax of float blocks viewed as (outer, n, inner), normalized along n. */
    void floats(float[] in, float[] out, int outer, int n, int inner) {
        execution.parallelFor(outer, (long) n * inner * 8, (start, end) -> {
            Scratch scratch = new Scratch(n, inner);
            for (int o = start; o < end; o++) {
                normalize(in, out, o * n * inner, n, inner, scratch);
            }
        });
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
            exp(t, s.k, inner);
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

    private void exp(float[] t, float[] k, int n) {
        if (simd) {
            SimdMath.exp(t, 0, t, 0, n);
        } else {
            FloatMath.exp(t, t, k, n);
        }
    }

    /** A contiguous row. */
    private void normalizeRow(float[] in, float[] out, int base, int n, Scratch s) {
        if (simd) {
            normalizeRowSimd(in, out, base, n);
            return;
        }
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
            logOutputs(in, out, base, n, max, sum);
        } else {
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) {
                out[base + j] = t[j] * inv;
            }
        }
    }

    /** A contiguous row on the Vector API: the exponentials go straight to the output row. */
    private void normalizeRowSimd(float[] in, float[] out, int base, int n) {
        float max = SimdMath.max(in, base, n);
        float sum = SimdMath.expSum(in, base, out, base, n, max);
        if (log) {
            logOutputs(in, out, base, n, max, sum);
        } else {
            SimdMath.scale(out, base, n, (float) (1.0 / sum));
        }
    }

    /** {@code (x - max) - log(sum)}: subtracting the max first keeps outputs near 0 exact where x is large. */
    private static void logOutputs(float[] in, float[] out, int base, int n, float max, double sum) {
        float logSum = (float) Math.log(sum);
        for (int j = 0; j < n; j++) {
            out[base + j] = (in[base + j] - max) - logSum;
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
