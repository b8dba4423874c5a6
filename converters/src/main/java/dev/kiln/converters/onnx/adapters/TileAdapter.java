package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Tile: opset 1 repeated along one axis (inputs tiles and axis); opset 6 takes one repeat count per
 * axis. The rewrite needs constant tiles and axis and a known input rank.
 */
final class TileAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Tile");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 6;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Tensor tiles = ctx.constantValue(node.input(1));
        Tensor axis = ctx.constantValue(node.input(2));
        int rank = AdapterSupport.rank(ctx, node.input(0));
        if (tiles == null || axis == null || rank < 0 || tiles.size() != 1 || axis.size() != 1) {
            throw AdapterSupport.unsupported(node, ctx, "opset-1 Tile needs constant scalar tiles and axis and a known input rank");
        }
        long a = axis.getLong(0);
        if (a < -rank || a >= rank) {
            throw AdapterSupport.unsupported(node, ctx, "axis " + a + " is out of range for rank " + rank);
        }
        long[] repeats = new long[rank];
        Arrays.fill(repeats, 1);
        repeats[(int) (a < 0 ? a + rank : a)] = tiles.getLong(0);
        String r = ctx.addConstant(AdapterSupport.hint(node, "repeats"), Tensor.of(repeats, rank));
        return List.of(node.toBuilder().clearInputs().inputs(node.input(0), r).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 6;
    }
}
