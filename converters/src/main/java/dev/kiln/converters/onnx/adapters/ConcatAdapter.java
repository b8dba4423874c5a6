package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/** Concat: 'axis' was optional with default 1 until opset 4 made it required. */
final class ConcatAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Concat");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 4 && !node.hasAttribute("axis");
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        return List.of(node.toBuilder().attr("axis", 1L).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 1;
    }
}
