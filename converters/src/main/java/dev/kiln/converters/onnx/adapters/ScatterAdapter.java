package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Scatter (opsets 9-10, deprecated in 11) is ScatterElements under its old name. ScatterElements gained
 * 'reduction' in opset 16 and its max/min values in 18.
 */
final class ScatterAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Scatter", "ScatterElements");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return node.opType().equals("Scatter");
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Node.Builder b = Node.builder("ScatterElements").name(node.name()).docString(node.docString())
                .inputs(node.inputs()).outputs(node.outputs());
        node.attributes().values().forEach(b::attribute);
        return List.of(b.build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        String reduction = canonical.getString("reduction", "none");
        if (reduction.equals("max") || reduction.equals("min")) {
            return 18;
        }
        return reduction.equals("none") ? 11 : 16;
    }

    /** Opsets 9-10 call ScatterElements without reduction 'Scatter'. */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (!canonical.getString("reduction", "none").equals("none")) {
            throw AdapterSupport.unsupported(canonical, ctx, "reduction '" + canonical.getString("reduction", "") + "' needs ai.onnx opset "
                    + minimumOpset(canonical) + " or later");
        }
        if (ctx.opset() >= 11 || !canonical.opType().equals("ScatterElements")) {
            return List.of(canonical.toBuilder().removeAttribute("reduction").build());
        }
        Node.Builder b = Node.builder("Scatter").name(canonical.name()).docString(canonical.docString())
                .inputs(canonical.inputs()).outputs(canonical.outputs());
        canonical.attributes().values().stream().filter(a -> !a.name().equals("reduction")).forEach(b::attribute);
        return List.of(b.build());
    }
}
