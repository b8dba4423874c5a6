package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Cast: opsets 1-5 named the target type as a string ("FLOAT"); opset 6 made 'to' the type's code. */
final class CastAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Cast");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 6 && node.hasAttribute("to") && node.attribute("to").type() == AttributeType.STRING;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        String name = node.getString("to", "").toUpperCase(Locale.ROOT);
        DType to;
        try {
            to = DType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw AdapterSupport.unsupported(node, ctx, "unknown target type '" + node.getString("to", "") + "'");
        }
        return List.of(node.toBuilder().attr("to", (long) to.code()).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        if (canonical.hasAttribute("round_mode")) {
            return 25;
        }
        return canonical.hasAttribute("saturate") ? 19 : 6;
    }

    /** Before opset 6 the target type is written by name; newer attributes go only with their defaults (final form check). */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (ctx.opset() >= 6) {
            return List.of(canonical);
        }
        DType to = DType.fromCode((int) canonical.getInt("to", 0));
        return List.of(canonical.toBuilder().attr("to", to.name()).build());
    }
}
