package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * Negative axes (counting from the back) arrived in opset 11 for most ops that take an axis. Written
 * before 11, a negative axis attribute is made positive from the rank of the input (of the output, for
 * Unsqueeze), which must then be known statically.
 */
final class NegativeAxes {
    /** Ops whose 'axis' attribute could not be negative before opset 11. */
    private static final Set<String> AXIS = Set.of("ArgMax", "ArgMin", "Concat", "Flatten", "Split", "Compress");
    /** Ops whose 'axes' attribute could not hold negative values before opset 11. */
    private static final Set<String> AXES = Set.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "Squeeze", "Unsqueeze", "Slice");

    private NegativeAxes() {
    }

    /** {@code n} (in the form of {@code ctx.opset()}, below 11) with its axes made non-negative. */
    static Node fix(Node n, AdapterContext ctx) {
        String attr = AXIS.contains(n.opType()) ? "axis" : AXES.contains(n.opType()) ? "axes" : null;
        if (attr == null || !n.hasAttribute(attr)) {
            return n;
        }
        long[] axes = attr.equals("axis") ? new long[] {n.getInt("axis", 0)} : n.getInts("axes", new long[0]);
        boolean negative = false;
        for (long a : axes) {
            negative |= a < 0;
        }
        if (!negative) {
            return n;
        }
        int rank = AdapterSupport.rank(ctx, n.input(0));
        if (rank < 0) {
            throw AdapterSupport.unsupported(n, ctx, "a negative " + attr + " needs ai.onnx opset 11, or a known input rank to be made positive");
        }
        // Unsqueeze's axes index the output
        int range = n.opType().equals("Unsqueeze") ? rank + axes.length : rank;
        long[] fixed = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            fixed[i] = axes[i] < 0 ? axes[i] + range : axes[i];
            if (fixed[i] < 0) {
                throw AdapterSupport.unsupported(n, ctx, attr + " " + axes[i] + " is out of range for rank " + rank);
            }
        }
        Node.Builder b = n.toBuilder();
        return (attr.equals("axis") ? b.attr("axis", fixed[0]) : b.attr("axes", fixed)).build();
    }
}
