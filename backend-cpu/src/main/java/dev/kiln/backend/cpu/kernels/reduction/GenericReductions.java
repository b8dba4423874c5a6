package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * Reductions in the double and long domains over an {@code [outer, reduced, inner]} view, for every op
 * and type without a dedicated fast path. Each output is written by exactly one worker.
 */
final class GenericReductions {
    private GenericReductions() {
    }

    static void reduce(ReduceOp op, double[] in, ReducePlan p, double[] out, CpuExecution exec) {
        int r = p.reduced();
        int inner = p.inner();
        double[] shift = null;
        if (op == ReduceOp.LOG_SUM_EXP) {
            shift = new double[out.length];
            reduce(ReduceOp.MAX, in, p, shift, exec);
            for (int i = 0; i < shift.length; i++) {
                if (Double.isInfinite(shift[i]) || Double.isNaN(shift[i])) {
                    shift[i] = 0;
                }
            }
        }
        double[] s = shift;
        exec.parallelFor(p.outer(), (long) r * inner, (from, to) -> {
            double[] acc = new double[inner];
            for (int o = from; o < to; o++) {
                Arrays.fill(acc, op.identity());
                int base = o * r * inner;
                int ob = o * inner;
                for (int k = 0; k < r; k++) {
                    int row = base + k * inner;
                    for (int i = 0; i < inner; i++) {
                        double x = s == null ? in[row + i] : in[row + i] - s[ob + i];
                        acc[i] = op.combine(acc[i], op.map(x));
                    }
                }
                for (int i = 0; i < inner; i++) {
                    out[ob + i] = op.finish(acc[i], r) + (s == null ? 0 : s[ob + i]);
                }
            }
        });
    }

    static void reduce(ReduceOp op, long[] in, ReducePlan p, long[] out, long identity, boolean unsigned, CpuExecution exec) {
        int r = p.reduced();
        int inner = p.inner();
        exec.parallelFor(p.outer(), (long) r * inner, (from, to) -> {
            long[] acc = new long[inner];
            for (int o = from; o < to; o++) {
                Arrays.fill(acc, identity);
                int base = o * r * inner;
                for (int k = 0; k < r; k++) {
                    int row = base + k * inner;
                    for (int i = 0; i < inner; i++) {
                        acc[i] = op.combine(acc[i], op.map(in[row + i]), unsigned);
                    }
                }
                System.arraycopy(acc, 0, out, o * inner, inner);
            }
        });
    }
}
