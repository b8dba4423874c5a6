package dev.kiln.runtime.autodiff;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;

import java.util.ArrayList;
import java.util.List;

/** The one place where gradients of broadcast operands are summed back to the operand's shape. Stateless. */
final class Broadcasts {
    private Broadcasts() {
    }

    /**
     * {@code out}: the static shape of {@code grad} with unknown extents where not known, or null when even
     * its rank is unknown (then the leading axes are found at run time too).
     */
    static String reduceTo(GradientContext g, String grad, Shape out, String target) {
        Shape in = g.shape(target);
        if (out == null || in == null) {
            return fullyDynamic(g, grad, target);
        }
        if (out.equals(in) && allNamed(in)) {
            return grad;
        }
        int outRank = out.rank();
        int inRank = g.rank(target);
        int lead = outRank - inRank;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < lead; i++) {
            axes.add((long) i);
        }
        boolean dynamic = false;
        for (int i = 0; i < inRank; i++) {
            if (!in.isKnown(i)) {
                // a symbolic extent equal to the output's broadcasts nothing; any other may be 1 at run time
                String sym = in.symbol(i);
                String outSym = out.symbol(i + lead);
                dynamic |= sym == null || !sym.equals(outSym);
            } else if (in.dim(i) == 1 && !(out.isKnown(i + lead) && out.dim(i + lead) == 1)) {
                axes.add((long) (i + lead));
            }
        }
        String reduced = grad;
        if (dynamic) {
            if (lead > 0) {
                reduced = reduceSum(g, reduced, g.ints(range(lead)), 0);
            }
            String ones = g.op("Equal", g.shapeOf(target), g.ints(1));
            String dynAxes = g.op("Reshape", g.op("NonZero", ones), g.ints(-1));
            reduced = g.emit(Node.builder("ReduceSum").inputs(reduced, dynAxes).attr("keepdims", 1L).attr("noop_with_empty_axes", 1L));
        } else if (!axes.isEmpty()) {
            reduced = reduceSum(g, reduced, g.ints(axes.stream().mapToLong(Long::longValue).toArray()), 1);
        }
        if (reduced.equals(grad) && lead == 0) {
            return grad;
        }
        return g.op("Reshape", reduced, in.isConcrete() ? g.ints(in.dims()) : g.shapeOf(target));
    }

    /** Ranks unknown: the leading axes are Range(0, rank(grad) - rank(target)). */
    private static String fullyDynamic(GradientContext g, String grad, String target) {
        String targetShape = g.shapeOf(target);
        String lead = g.op("Sub", g.op("Size", g.shapeOf(grad)), g.op("Size", targetShape));
        String leadAxes = g.op("Range", g.longScalar(0), lead, g.longScalar(1));
        String summed = g.emit(Node.builder("ReduceSum").inputs(grad, leadAxes).attr("keepdims", 0L).attr("noop_with_empty_axes", 1L));
        String ones = g.op("Equal", targetShape, g.ints(1));
        String axes = g.op("Reshape", g.op("NonZero", ones), g.ints(-1));
        String reduced = g.emit(Node.builder("ReduceSum").inputs(summed, axes).attr("keepdims", 1L).attr("noop_with_empty_axes", 1L));
        return g.op("Reshape", reduced, targetShape);
    }

    private static String reduceSum(GradientContext g, String x, String axes, long keepdims) {
        return g.emit(Node.builder("ReduceSum").inputs(x, axes).attr("keepdims", keepdims));
    }

    private static boolean allNamed(Shape s) {
        for (int i = 0; i < s.rank(); i++) {
            if (!s.isKnown(i) && s.symbol(i) == null) {
                return false;
            }
        }
        return true;
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
