package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * float32 fast paths for the reductions that dominate models (sum, mean, max, min, sum of squares, L2):
 * rows are reduced with four independent double accumulators, columns by accumulating whole rows into float
 * partials (a loop C2 vectorizes) that go into double every few rows, in units of (outer index, column chunk)
 * spread over the threads; no per-element dispatch. Plain Java: a Vector API row sum measured 2x faster alone
 * but made a training step erratic (see docs/performance.md).
 */
final class FloatReductions {
    private static final java.util.Set<ReduceOp> FAST = java.util.EnumSet.of(ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX, ReduceOp.MIN,
            ReduceOp.SUM_SQUARE, ReduceOp.L2);

    /** Columns one unit of a column reduction covers: its float and double accumulators stay in L1. */
    private static final int COLUMN_CHUNK = 1024;
    /** Rows added in float before the partial sums go into the double accumulators. */
    private static final int FLOAT_ROWS = 32;

    private FloatReductions() {
    }

    /** True when {@code op} has a fast path here. */
    static boolean handles(ReduceOp op) {
        return FAST.contains(op);
    }

    static void reduce(ReduceOp op, float[] in, ReducePlan p, float[] out, CpuExecution exec) {
        int r = p.reduced();
        int inner = p.inner();
        boolean square = op.map == ReduceOp.Map.SQUARE;
        boolean extreme = op.combine == ReduceOp.Combine.MAX || op.combine == ReduceOp.Combine.MIN;
        boolean max = op.combine == ReduceOp.Combine.MAX;
        if (inner == 1) {
            exec.parallelFor(p.outer(), r, (from, to) -> {
                for (int o = from; o < to; o++) {
                    int base = o * r;
                    double v = extreme ? extreme(in, base, r, max) : sum(in, base, r, square);
                    out[o] = (float) op.finish(v, r);
                }
            });
            return;
        }
        // units of (outer index, column chunk), so that few outer rows over many columns (bias gradients: all the
        // leading axes reduced) still spread over every thread
        int chunks = (inner + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
        int units = p.outer() * chunks;
        exec.parallelFor(units, (long) r * Math.min(inner, COLUMN_CHUNK), (from, to) -> {
            int width = Math.min(inner, COLUMN_CHUNK);
            double[] acc = new double[width];
            float[] part = new float[width];
            for (int u = from; u < to; u++) {
                int o = u / chunks;
                int c0 = (u % chunks) * COLUMN_CHUNK;
                int cols = Math.min(COLUMN_CHUNK, inner - c0);
                int base = o * r * inner + c0;
                if (extreme) {
                    columnExtremes(in, base, r, inner, cols, max, part);
                    System.arraycopy(part, 0, out, o * inner + c0, cols);
                } else {
                    if (r >= 1 && r <= FLOAT_ROWS && op.finish == ReduceOp.Finish.NONE) {
                        // few rows (a batch axis): summed in float straight into the output
                        shortColumnSums(in, base, r, inner, cols, square, out, o * inner + c0);
                        continue;
                    }
                    columnSums(in, base, r, inner, cols, square, part, acc);
                    for (int i = 0; i < cols; i++) {
                        out[o * inner + c0 + i] = (float) op.finish(acc[i], r);
                    }
                }
            }
        });
    }

    /**
     * {@code acc[i] = sum over k < r of in[base + k * inner + i]} (or of squares) for i < cols: rows are added into
     * float partials in a loop C2 vectorizes, and every {@value #FLOAT_ROWS} rows the partials go into double.
     */
    private static void columnSums(float[] in, int base, int r, int inner, int cols, boolean square, float[] part, double[] acc) {
        Arrays.fill(acc, 0, cols, 0);
        for (int k0 = 0; k0 < r; k0 += FLOAT_ROWS) {
            int k1 = Math.min(r, k0 + FLOAT_ROWS);
            Arrays.fill(part, 0, cols, 0f);
            for (int k = k0; k < k1; k++) {
                int row = base + k * inner;
                if (square) {
                    for (int i = 0; i < cols; i++) {
                        float x = in[row + i];
                        part[i] += x * x;
                    }
                } else {
                    for (int i = 0; i < cols; i++) {
                        part[i] += in[row + i];
                    }
                }
            }
            for (int i = 0; i < cols; i++) {
                acc[i] += part[i];
            }
        }
    }

    /** {@code out[outOff + i] = sum over k < r of in[base + k * inner + i]} (or of squares) in float, r small. */
    private static void shortColumnSums(float[] in, int base, int r, int inner, int cols, boolean square, float[] out, int outOff) {
        for (int i = 0; i < cols; i++) {
            float x = in[base + i];
            out[outOff + i] = square ? x * x : x;
        }
        for (int k = 1; k < r; k++) {
            int row = base + k * inner;
            if (square) {
                for (int i = 0; i < cols; i++) {
                    float x = in[row + i];
                    out[outOff + i] += x * x;
                }
            } else {
                for (int i = 0; i < cols; i++) {
                    out[outOff + i] += in[row + i];
                }
            }
        }
    }

    /** {@code ext[i]} = the largest (or smallest) of {@code in[base + k * inner + i]} over k < r, NaN if any is NaN. */
    private static void columnExtremes(float[] in, int base, int r, int inner, int cols, boolean max, float[] ext) {
        Arrays.fill(ext, 0, cols, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        for (int k = 0; k < r; k++) {
            int row = base + k * inner;
            for (int i = 0; i < cols; i++) {
                float x = in[row + i];
                ext[i] = max ? (x > ext[i] || x != x ? x : ext[i]) : (x < ext[i] || x != x ? x : ext[i]);
            }
        }
    }

    private static double sum(float[] a, int off, int n, boolean square) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        if (square) {
            for (; i + 3 < n; i += 4) {
                double x0 = a[off + i];
                double x1 = a[off + i + 1];
                double x2 = a[off + i + 2];
                double x3 = a[off + i + 3];
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }
            for (; i < n; i++) {
                double x = a[off + i];
                s0 += x * x;
            }
        } else {
            for (; i + 3 < n; i += 4) {
                s0 += a[off + i];
                s1 += a[off + i + 1];
                s2 += a[off + i + 2];
                s3 += a[off + i + 3];
            }
            for (; i < n; i++) {
                s0 += a[off + i];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double extreme(float[] a, int off, int n, boolean max) {
        float m = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float x = a[off + i];
            if (max ? x > m : x < m) {
                m = x;
            } else if (x != x) {
                return Float.NaN;
            }
        }
        return m;
    }
}
