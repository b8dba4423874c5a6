package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/** LpPool and GlobalLpPool: the norm order 'p' was a float in opset 1 and an int from opset 2. */
final class LpPoolAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("LpPool", "GlobalLpPool");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 2 && node.hasAttribute("p") && node.attribute("p").type() == AttributeType.FLOAT;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        float p = node.getFloat("p", 2f);
        if (p != Math.rint(p)) {
            throw AdapterSupport.unsupported(node, ctx, "a fractional norm order p=" + p + " has no equivalent after opset 1");
        }
        return List.of(node.toBuilder().attr("p", (long) p).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 2;
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        return List.of(canonical.toBuilder().attr("p", (float) canonical.getInt("p", 2)).build());
    }
}
