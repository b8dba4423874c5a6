package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdRowNorm;

/**
 * The float32 layer-normalization loop shared by LayerNormalization and SkipLayerNormalization: each row of
 * {@code size} contiguous floats is normalized while it sits in L1, in three sweeps over it (sum, squared
 * deviations from the mean, then {@code (x - mean) * invStd * scale + bias}). The two statistics sweeps
 * add in float over eight independent lanes (so the additions do not wait on one another) within blocks of
 * 256 elements whose totals accumulate in float64 (so the error does not grow with the row's length); the last sweep is plain float arithmetic that HotSpot vectorizes. Rows are split over
 * the backend's threads only when there are enough elements to pay for the hand-off. With the SIMD kernels on,
 * rows with shared Scale and B go through {@link SimdRowNorm} instead (same arithmetic on vector lanes). Stateless.
 */
final class FloatRowNorm {
    /** Elements summed in float before the partial sum moves to float64 (32 per lane). */
    private static final int BLOCK = 256;

    private FloatRowNorm() {
    }

    /**
     * The inputs and outputs of one normalization. {@code scale} and {@code bias} hold {@code size} values
     * shared by all rows when {@code sharedScale}/{@code sharedBias}, else one per element; {@code bias},
     * {@code mean} and {@code invStd} may be null (no bias, statistics not wanted).
     */
    record Job(float[] x, float[] y, int rows, int size, float[] scale, boolean sharedScale, float[] bias, boolean sharedBias,
               double epsilon, double[] mean, double[] invStd) {
    }

    /** Normalizes every row of {@code job.x} into {@code job.y} ({@code y} may be {@code x}). */
    static void run(Job job, CpuExecution execution) {
        // cost per row in elements: below CpuExecution.MIN_GRAIN in all, the call stays on this thread
        execution.parallelFor(job.rows(), job.size(), (start, end) -> rows(job, start, end));
    }

    /** Rows {@code [start, end)} of {@code j.x} into {@code j.y}, each through a scratch row. */
    static void rows(Job j, int start, int end) {
        int size = j.size();
        if (simdApplies(j)) {
            double[] inv = new double[1];
            for (int r = start; r < end; r++) {
                int base = r * size;
                double m = SimdRowNorm.normalize(j.x(), base, null, 0, null, 0, j.y(), base, size, j.scale(), j.bias(),
                        j.epsilon(), inv);
                if (j.mean() != null) {
                    j.mean()[r] = m;
                }
                if (j.invStd() != null) {
                    j.invStd()[r] = inv[0];
                }
            }
            return;
        }
        float[] row = new float[size];
        for (int r = start; r < end; r++) {
            int base = r * size;
            System.arraycopy(j.x(), base, row, 0, size);
            normalizeRow(j, row, r);
            System.arraycopy(row, 0, j.y(), base, size);
        }
    }

    /**
     * True when the job's rows can go through {@link SimdRowNorm}: the SIMD kernels are on and Scale and B (if
     * any) are shared by all rows.
     */
    static boolean simdApplies(Job j) {
        return Simd.enabled() && j.sharedScale() && (j.bias() == null || j.sharedBias());
    }

    /**
     * Normalizes row {@code r}, whose values {@code row} holds from index 0, in place, and records its statistics
     * where the job asks for them. Working on a scratch row that starts at 0, as the shared scale and bias do,
     * is what lets HotSpot vectorize the last sweep: it does not when the arrays are indexed from different
     * offsets (measured 5x slower on rows of 384).
     */
    static void normalizeRow(Job j, float[] row, int r) {
        int size = j.size();
        double m = sum(row, size) / size;
        float mf = (float) m;
        double inv = 1.0 / Math.sqrt(squaredDeviations(row, size, mf) / size + j.epsilon());
        if (j.mean() != null) {
            j.mean()[r] = m;
        }
        if (j.invStd() != null) {
            j.invStd()[r] = inv;
        }
        float invf = (float) inv;
        float[] sc = j.scale();
        float[] bi = j.bias();
        if (j.sharedScale() && (bi == null || j.sharedBias())) {
            if (bi == null) {
                for (int k = 0; k < size; k++) {
                    row[k] = (row[k] - mf) * invf * sc[k];
                }
            } else {
                for (int k = 0; k < size; k++) {
                    row[k] = (row[k] - mf) * invf * sc[k] + bi[k];
                }
            }
        } else {
            int so = j.sharedScale() ? 0 : r * size;
            int bo = j.sharedBias() ? 0 : r * size;
            for (int k = 0; k < size; k++) {
                row[k] = (row[k] - mf) * invf * sc[so + k] + (bi == null ? 0f : bi[bo + k]);
            }
        }
    }

    /**
     * The sum of {@code x[0, size)}: eight float lanes (independent additions) over blocks of {@link #BLOCK}, each
     * block's total added in float64, so the rounding error stays that of a block however long the row.
     */
    static double sum(float[] x, int size) {
        double total = 0;
        for (int from = 0; from < size; from += BLOCK) {
            int end = Math.min(size, from + BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            float s4 = 0;
            float s5 = 0;
            float s6 = 0;
            float s7 = 0;
            int j = from;
            for (; j + 7 < end; j += 8) {
                s0 += x[j];
                s1 += x[j + 1];
                s2 += x[j + 2];
                s3 += x[j + 3];
                s4 += x[j + 4];
                s5 += x[j + 5];
                s6 += x[j + 6];
                s7 += x[j + 7];
            }
            for (; j < end; j++) {
                s0 += x[j];
            }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    /** The sum of squared deviations of {@code x[0, size)} from {@code mean}, blocked as {@link #sum} is. */
    static double squaredDeviations(float[] x, int size, float mean) {
        double total = 0;
        for (int from = 0; from < size; from += BLOCK) {
            int end = Math.min(size, from + BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            float s4 = 0;
            float s5 = 0;
            float s6 = 0;
            float s7 = 0;
            int j = from;
            for (; j + 7 < end; j += 8) {
                float d0 = x[j] - mean;
                float d1 = x[j + 1] - mean;
                float d2 = x[j + 2] - mean;
                float d3 = x[j + 3] - mean;
                float d4 = x[j + 4] - mean;
                float d5 = x[j + 5] - mean;
                float d6 = x[j + 6] - mean;
                float d7 = x[j + 7] - mean;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
                s4 += d4 * d4;
                s5 += d5 * d5;
                s6 += d6 * d6;
                s7 += d7 * d7;
            }
            for (; j < end; j++) {
                float d = x[j] - mean;
                s0 += d * d;
            }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    /**
     * A Scale or B input as floats (see {@link RowStatistics#affine}): {@code size} values shared by every row
     * when it varies only along the normalized axes, else one per element of X. A float32 parameter laid out
     * as the normalized axes (the usual case) is used as it is, without a copy; the array is only read.
     */
    static float[] affine(String op, String name, Tensor p, long[] xDims, int axis, int size) {
        if (p.dtype() == DType.FLOAT && p.elementCount() == size && spansNormalizedAxes(p.dims(), xDims, axis)) {
            return p.floatData();
        }
        double[] v = RowStatistics.affine(op, name, p, xDims, axis);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** True when dims, aligned to X's trailing axes, are 1 before {@code axis} and X's own sizes from it on. */
    private static boolean spansNormalizedAxes(long[] dims, long[] xDims, int axis) {
        int offset = xDims.length - dims.length;
        if (offset < 0) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            int xi = offset + i;
            if (xi < axis ? dims[i] != 1 : dims[i] != xDims[xi]) {
                return false;
            }
        }
        return true;
    }
}
