package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * Softmax and LogSoftmax along one axis (opset 13 semantics: only that axis is normalized), with the
 * row maximum subtracted for stability. Float types use a fast float exponential ({@link FastMath}), float64
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
                double[] acc = new double[2 * v.inner()];
                for (int o = start; o < end; o++) {
                    normalize(in, out, o * v.n() * v.inner(), v.n(), v.inner(), acc);
                }
            });
            TensorArrays.store(out, y);
        } else {
            throw new UnsupportedOpException(op, "", ctx.opsetVersion(), "input has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        ctx.setOutput(0, y);
    }

    /** One (n x inner) block; {@code acc} holds the running max and sum for each inner position. */
    private void normalize(float[] in, float[] out, int base, int n, int inner, double[] acc) {
        if (inner == 1) {
            normalizeRow(in, out, base, n);
            return;
        }
        Arrays.fill(acc, 0, inner, Double.NEGATIVE_INFINITY);
        Arrays.fill(acc, inner, 2 * inner, 0);
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                acc[j] = Math.max(acc[j], in[row + j]);
            }
        }
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                acc[inner + j] += FastMath.exp((float) (in[row + j] - acc[j]));
            }
        }
        for (int i = 0; i < n; i++) {
            int row = base + i * inner;
            for (int j = 0; j < inner; j++) {
                float d = (float) (in[row + j] - acc[j]);
                out[row + j] = (float) (log ? d - Math.log(acc[inner + j]) : FastMath.exp(d) / acc[inner + j]);
            }
        }
    }

    /** A contiguous row; four partial sums keep the additions from waiting on each other. */
    private void normalizeRow(float[] in, float[] out, int base, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, in[base + i]);
        }
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float e0 = FastMath.exp(in[base + i] - max);
            float e1 = FastMath.exp(in[base + i + 1] - max);
            float e2 = FastMath.exp(in[base + i + 2] - max);
            float e3 = FastMath.exp(in[base + i + 3] - max);
            out[base + i] = e0;
            out[base + i + 1] = e1;
            out[base + i + 2] = e2;
            out[base + i + 3] = e3;
            s0 += e0;
            s1 += e1;
            s2 += e2;
            s3 += e3;
        }
        for (; i < n; i++) {
            float e = FastMath.exp(in[base + i] - max);
            out[base + i] = e;
            s0 += e;
        }
        double sum = (double) s0 + s1 + s2 + s3;
        if (log) {
            float shift = (float) (max + Math.log(sum));
            for (int j = 0; j < n; j++) {
                out[base + j] = in[base + j] - shift;
            }
        } else {
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) {
                out[base + j] *= inv;
            }
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
