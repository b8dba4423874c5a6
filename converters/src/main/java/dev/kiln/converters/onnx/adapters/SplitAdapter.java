package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * Split: the 'split' attribute became input 1 in opset 13; from opset 18 a split without sizes states
 * its number of parts in 'num_outputs', which the canonical form therefore always carries.
 */
final class SplitAdapter extends MovedAttributes {
    SplitAdapter() {
        super(Set.of("Split"), 18, new Move("split", 1));
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
    public int minimumOpset(Node canonical) {
        return canonical.hasAttribute("num_outputs") ? 18 : 13;
    }
}
