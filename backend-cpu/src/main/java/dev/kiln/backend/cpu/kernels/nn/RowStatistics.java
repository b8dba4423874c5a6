package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/**
 * Per-row statistics for the normalization ops (rows of {@code size} contiguous elements): the mean, or
 * zero for RMS normalization, and {@code 1 / sqrt(mean((x - mean)^2) + epsilon)}. Two passes in float64.
 */
final class RowStatistics {
    final double[] mean;
    final double[] invStd;

    private RowStatistics(int rows) {
        this.mean = new double[rows];
        this.invStd = new double[rows];
    }

    static RowStatistics of(float[] x, int rows, int size, boolean center, double epsilon, CpuExecution execution) {
        RowStatistics s = new RowStatistics(rows);
        execution.parallelFor(rows, 3L * size, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * size;
                double m = center ? sum(x, base, size) / size : 0;
                s.mean[r] = m;
                s.invStd[r] = 1.0 / Math.sqrt(squaredDeviations(x, base, size, m) / size + epsilon);
            }
        });
        return s;
    }

    /** Four independent partial sums, so the additions do not wait on one another. */
    private static double sum(float[] x, int base, int size) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < size; j += 4) {
            s0 += x[base + j];
            s1 += x[base + j + 1];
            s2 += x[base + j + 2];
            s3 += x[base + j + 3];
        }
        for (; j < size; j++) {
            s0 += x[base + j];
        }
        return s0 + s1 + s2 + s3;
    }

    private static double squaredDeviations(float[] x, int base, int size, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < size; j += 4) {
            double d0 = x[base + j] - mean;
            double d1 = x[base + j + 1] - mean;
            double d2 = x[base + j + 2] - mean;
            double d3 = x[base + j + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < size; j++) {
            double d = x[base + j] - mean;
            s0 += d * d;
        }
        return s0 + s1 + s2 + s3;
    }

    static RowStatistics of(double[] x, int rows, int size, boolean center, double epsilon, CpuExecution execution) {
        RowStatistics s = new RowStatistics(rows);
        execution.parallelFor(rows, 3L * size, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * size;
                double m = 0;
                if (center) {
                    for (int j = 0; j < size; j++) {
                        m += x[base + j];
                    }
                    m /= size;
                }
                double sq = 0;
                for (int j = 0; j < size; j++) {
                    double d = x[base + j] - m;
                    sq += d * d;
                }
                s.mean[r] = m;
                s.invStd[r] = 1.0 / Math.sqrt(sq / size + epsilon);
            }
        });
        return s;
    }

    /**
     * A scale or bias input unidirectionally broadcast to x, as doubles: {@code size} values shared by
     * every row when it only varies along the normalized axes, otherwise one value per element of x.
     */
    static double[] affine(String op, String name, Tensor p, long[] xDims, int axis) {
        long[] dims = p.dims();
        boolean ok = dims.length <= xDims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            long d = xDims[xDims.length - dims.length + i];
            ok = dims[i] == 1 || dims[i] == d;
        }
        if (!ok) {
            throw new InvalidInputException(op + ": input '" + name + "' must broadcast to X " + Arrays.toString(xDims)
                    + ", got " + p.describe());
        }
        long[] strides = Broadcast.stridesFor(dims, xDims);
        boolean shared = true;
        for (int i = 0; i < axis; i++) {
            shared &= strides[i] == 0;
        }
        double[] values = TensorArrays.doubles(p);
        int from = shared ? axis : 0;
        int count = 1;
        for (int i = from; i < xDims.length; i++) {
            count *= (int) xDims[i];
        }
        double[] out = new double[count];
        int[] idx = new int[xDims.length];
        long offset = 0;
        for (int k = 0; k < count; k++) {
            out[k] = values[(int) offset];
            for (int d = xDims.length - 1; d >= from; d--) {
                offset += strides[d];
                if (++idx[d] < xDims[d]) {
                    break;
                }
                offset -= strides[d] * xDims[d];
                idx[d] = 0;
            }
        }
        return out;
    }
}
