package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

import java.util.ArrayList;
import java.util.List;

/** Rules for MatMul and Gemm. */
public final class LinalgRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "MatMul", LinalgRules::matMul);
        r.add("", "Gemm", LinalgRules::gemm);
        r.add("", "Einsum", new EinsumRule());
    }

    /**
     * Y = A B over broadcast batch dims: dA = dY B^T and dB = A^T dY, each summed over the batch dims its
     * operand was broadcast along. A 1-D operand is first made a matrix (and dY given the matching axis).
     */
    private static void matMul(GradientContext g) {
        String a = g.input(0);
        String b = g.input(1);
        int ra = g.rank(a);
        int rb = g.rank(b);
        int r = Math.max(Math.max(ra, 2), Math.max(rb, 2));
        String dy = g.gradient();
        List<Long> axes = new ArrayList<>();
        if (ra == 1) {
            axes.add((long) r - 2);
        }
        if (rb == 1) {
            axes.add((long) r - 1);
        }
        if (!axes.isEmpty()) {
            dy = g.op("Unsqueeze", dy, g.ints(axes.stream().mapToLong(Long::longValue).toArray()));
        }
        String a2 = ra == 1 ? g.op("Unsqueeze", a, g.ints(0)) : a;
        String b2 = rb == 1 ? g.op("Unsqueeze", b, g.ints(1)) : b;
        Shape y = g.shape(g.output(0));
        // a 2-D weight applied to a batch of rows (rank >= 3): both gradients are one GEMM over the rows with
        // the batch axes flattened, the transposes done by the GEMM, instead of a product per batch entry
        boolean weightOnRows = rb == 2 && ra >= 3;
        String dRows = weightOnRows ? g.emit(Node.builder("Flatten").input(dy).attr("axis", (long) r - 1)) : null;
        if (g.needsGradient(0) && weightOnRows) {
            String da = g.emit(Node.builder("Gemm").inputs(dRows, b).attr("transB", 1L));
            Shape as = g.shape(a);
            // a static shape keeps A itself out of the backward pass when B's gradient does not need it
            String aShape = as != null && as.isConcrete() ? g.ints(as.dims()) : g.op("Shape", a);
            g.setGradient(0, g.op("Reshape", da, aShape));
        } else if (g.needsGradient(0)) {
            String da = g.op("MatMul", dy, swapLast(g, b2, Math.max(rb, 2)));
            if (ra == 1) {
                g.setGradient(0, g.emit(Node.builder("ReduceSum").inputs(da, g.ints(range(r - 1))).attr("keepdims", 0L)));
            } else {
                g.setGradient(0, g.unbroadcast(da, batchShape(y, r, g.shape(a)), a));
            }
        }
        if (g.needsGradient(1) && weightOnRows) {
            String rows = g.emit(Node.builder("Flatten").input(a).attr("axis", (long) ra - 1));
            g.setGradient(1, g.emit(Node.builder("Gemm").inputs(rows, dRows).attr("transA", 1L)));
        } else if (g.needsGradient(1)) {
            String db = g.op("MatMul", swapLast(g, a2, Math.max(ra, 2)), dy);
            if (rb == 1) {
                long[] ax = range(r - 1);
                ax[r - 2] = r - 1;
                g.setGradient(1, g.emit(Node.builder("ReduceSum").inputs(db, g.ints(ax)).attr("keepdims", 0L)));
            } else {
                g.setGradient(1, g.unbroadcast(db, batchShape(y, r, g.shape(b)), b));
            }
        }
    }

    /** The static shape of a rank-{@code r} operand gradient: Y's batch dims, then the operand's matrix dims. */
    private static Shape batchShape(Shape y, int r, Shape operand) {
        Object[] dims = new Object[r];
        for (int i = 0; i < r - 2; i++) {
            dims[i] = y == null ? null : y.toList().get(i);
        }
        for (int i = 0; i < 2; i++) {
            dims[r - 2 + i] = operand == null ? null : operand.toList().get(operand.rank() - 2 + i);
        }
        return Shape.symbolic(dims);
    }

    private static String swapLast(GradientContext g, String x, int rank) {
        long[] perm = range(rank);
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return g.emit(Node.builder("Transpose").input(x).attr("perm", perm));
    }

    static long[] range(int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Y = alpha A' B' + beta C with A' = transA ? A^T : A (likewise B'); each gradient is one Gemm. */
    private static void gemm(GradientContext g) {
        String a = g.input(0);
        String b = g.input(1);
        String dy = g.gradient();
        float alpha = g.node().getFloat("alpha", 1f);
        float beta = g.node().getFloat("beta", 1f);
        boolean ta = g.node().getInt("transA", 0) != 0;
        boolean tb = g.node().getInt("transB", 0) != 0;
        if (g.needsGradient(0)) {
            g.setGradient(0, ta ? gemm(g, b, dy, tb, true, alpha) : gemm(g, dy, b, false, !tb, alpha));
        }
        if (g.needsGradient(1)) {
            g.setGradient(1, tb ? gemm(g, dy, a, true, ta, alpha) : gemm(g, a, dy, !ta, false, alpha));
        }
        if (g.needsGradient(2)) {
            String dc = beta == 1f ? dy : g.mul(dy, g.scalar(beta, g.output(0)));
            g.setGradient(2, g.unbroadcast(dc, g.output(0), g.input(2)));
        }
    }

    private static String gemm(GradientContext g, String x, String y, boolean tx, boolean ty, float alpha) {
        return g.emit(Node.builder("Gemm").inputs(x, y).attr("transA", tx ? 1L : 0L).attr("transB", ty ? 1L : 0L).attr("alpha", alpha));
    }
}
