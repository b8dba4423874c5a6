package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Softmax, LogSoftmax and Hardmax: before opset 13 the input was coerced to 2-D at 'axis' (default 1)
 * and normalized over the whole flattened tail; from 13 they normalize along the one axis (default -1).
 * When the axis is statically the last one the node only gains an explicit axis; otherwise the old
 * semantics become Flatten, the op on the last axis, and a Reshape back to the input's shape.
 */
final class SoftmaxAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Softmax", "LogSoftmax", "Hardmax");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 13;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        long axis = node.getInt("axis", 1);
        int rank = AdapterSupport.rank(ctx, node.input(0));
        if (rank >= 0 && (axis == rank - 1 || axis == -1 || (rank == 0 && axis == 0))) {
            return List.of(node.toBuilder().attr("axis", axis).build());
        }
        String x = node.input(0);
        String shape = ctx.freshName(AdapterSupport.hint(node, "shape"));
        String flat = ctx.freshName(AdapterSupport.hint(node, "flat"));
        String normalized = ctx.freshName(AdapterSupport.hint(node, "2d"));
        return List.of(
                Node.builder("Shape").inputs(x).output(shape).build(),
                Node.builder("Flatten").inputs(x).output(flat).attr("axis", axis).build(),
                node.toBuilder().clearInputs().input(flat).clearOutputs().output(normalized).attr("axis", -1L).build(),
                Node.builder("Reshape").inputs(normalized, shape).outputs(node.outputs()).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 13;
    }

    /**
     * On the last axis the old 2-D coercion changes nothing, so the node is written with that axis.
     * Another axis is first swapped to the end by a Transpose, and swapped back after.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        long axis = canonical.getInt("axis", -1);
        int rank = AdapterSupport.rank(ctx, canonical.input(0));
        if (rank < 1) {
            throw AdapterSupport.unsupported(canonical, ctx, "the input's rank must be known to write " + canonical.opType() + " before opset 13");
        }
        int a = (int) (axis < 0 ? axis + rank : axis);
        Node last = canonical.toBuilder().attr("axis", (long) rank - 1).build();
        if (a == rank - 1) {
            return List.of(last);
        }
        long[] swap = new long[rank];
        for (int i = 0; i < rank; i++) {
            swap[i] = i;
        }
        swap[a] = rank - 1;
        swap[rank - 1] = a;
        String moved = ctx.freshName(AdapterSupport.hint(canonical, "moved"));
        String normalized = ctx.freshName(AdapterSupport.hint(canonical, "normalized"));
        return List.of(
                Node.builder("Transpose").input(canonical.input(0)).output(moved).attr("perm", swap).build(),
                last.toBuilder().clearInputs().input(moved).clearOutputs().output(normalized).build(),
                Node.builder("Transpose").input(normalized).outputs(canonical.outputs()).attr("perm", swap).build());
    }
}
