package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Split: the 'split' attribute became input 1 in opset 13; from opset 18 a split without sizes states
 * its number of parts in 'num_outputs', which the canonical form therefore always carries. Before 18
 * a split without sizes makes equal parts; an uneven num_outputs split of a known dimension is written
 * with explicit sizes instead.
 */
final class SplitAdapter extends MovedAttributes {
    SplitAdapter() {
        super(Set.of("Split"), 13, new Move("split", 1));
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 13 || (opset < 18 && !node.hasInput(1));
    }

    @Override
    void finish(Node old, Node.Builder b, AdapterContext ctx) {
        if (!old.hasInput(1) && !old.hasAttribute("split")) {
            b.attr("num_outputs", (long) old.outputs().size());
        }
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        Node n = canonical;
        if (n.hasAttribute("num_outputs")) {
            Node.Builder b = n.toBuilder().removeAttribute("num_outputs");
            long[] sizes = unevenSizes(n, ctx);
            if (sizes != null) {
                b.setInput(1, ctx.addConstant(AdapterSupport.hint(n, "split"), Tensor.of(sizes, sizes.length)));
            }
            n = b.build();
        }
        return super.downgrade(n, ctx);
    }

    /** The part sizes of an uneven num_outputs split of a statically known dimension, else null. */
    private static long[] unevenSizes(Node n, AdapterContext ctx) {
        long[] dims = AdapterSupport.dims(ctx, n.input(0));
        int parts = (int) n.getInt("num_outputs", n.outputs().size());
        if (dims == null || dims.length == 0) {
            return null;
        }
        long axis = n.getInt("axis", 0);
        long d = dims[(int) (axis < 0 ? axis + dims.length : axis)];
        if (d < 0 || d % parts == 0) {
            return null;
        }
        long chunk = (d + parts - 1) / parts;
        long[] sizes = new long[parts];
        Arrays.fill(sizes, chunk);
        sizes[parts - 1] = d - chunk * (parts - 1);
        return sizes;
    }

    @Override
    public int minimumOpset(Node canonical) {
        return canonical.hasAttribute("num_outputs") ? 18 : 13;
    }
}
