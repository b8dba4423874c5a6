package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;

/** Small matchers the fusion passes share. */
final class Patterns {
    private Patterns() {
    }

    /**
     * For a two-input default-domain op {@code opType} at node {@code i} with one constant one-element or
     * vector input, the index (0 or 1) of that constant input; -1 when the node does not match.
     */
    static int constantSide(GraphIndex g, int i, String opType) {
        if (!g.is(i, opType) || g.node(i).inputs().size() != 2) {
            return -1;
        }
        for (int side = 0; side < 2; side++) {
            Tensor t = g.constant(g.node(i).input(side));
            if (t != null && g.constant(g.node(i).input(GraphIndex.other(side))) == null) {
                return side;
            }
        }
        return -1;
    }

    /** True for a ReduceMean over exactly the last axis with keepdims on (axes as input or attribute). */
    static boolean reducesLastAxisKeepingDims(GraphIndex g, Node reduce) {
        if (reduce.getInt("keepdims", 1) != 1 || reduce.getInt("noop_with_empty_axes", 0) != 0) {
            return false;
        }
        long[] axes;
        if (reduce.hasInput(1)) {
            Tensor t = g.constant(reduce.input(1));
            if (t == null) {
                return false;
            }
            axes = t.toLongArray();
        } else {
            axes = reduce.getInts("axes", null);
        }
        if (axes == null || axes.length != 1) {
            return false;
        }
        if (axes[0] == -1) {
            return true;
        }
        ValueType type = g.typeOf(reduce.input(0));
        return type instanceof ValueType.TensorType tt && tt.shape() != null && axes[0] == tt.shape().rank() - 1;
    }
}
