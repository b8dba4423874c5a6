package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * float32 fast paths for the reductions that dominate models (sum, mean, max, min, sum of squares, L2):
 * rows are reduced with four independent double accumulators, columns by accumulating whole rows, with
 * no per-element dispatch.
 */
final class FloatReductions {
    private static final java.util.Set<ReduceOp> FAST = java.util.EnumSet.of(ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX, ReduceOp.MIN,
            ReduceOp.SUM_SQUARE, ReduceOp.L2);

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
        exec.parallelFor(p.outer(), (long) r * inner, (from, to) -> {
            double[] acc = new double[inner];
            float[] ext = new float[inner];
            for (int o = from; o < to; o++) {
                int base = o * r * inner;
                if (extreme) {
                    Arrays.fill(ext, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
                    for (int k = 0; k < r; k++) {
                        int row = base + k * inner;
                        for (int i = 0; i < inner; i++) {
                            float x = in[row + i];
                            ext[i] = max ? (x > ext[i] || x != x ? x : ext[i]) : (x < ext[i] || x != x ? x : ext[i]);
                        }
                    }
                    System.arraycopy(ext, 0, out, o * inner, inner);
                    continue;
                }
                Arrays.fill(acc, 0);
                for (int k = 0; k < r; k++) {
                    int row = base + k * inner;
                    if (square) {
                        for (int i = 0; i < inner; i++) {
                            double x = in[row + i];
                            acc[i] += x * x;
                        }
                    } else {
                        for (int i = 0; i < inner; i++) {
                            acc[i] += in[row + i];
                        }
                    }
                }
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] = (float) op.finish(acc[i], r);
                }
            }
        });
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
