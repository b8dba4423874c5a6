package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Clip: the 'min' and 'max' attributes became inputs 1 and 2, typed like the data, in opset 11; written back when constant. */
final class ClipAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Clip");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 11;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        List<Node> out = new ArrayList<>();
        Node.Builder b = node.toBuilder().removeAttribute("min").removeAttribute("max");
        if (node.hasAttribute("min")) {
            b.setInput(1, AdapterSupport.scalarLike(ctx, node, node.getFloat("min", 0f), node.input(0), "min", out));
        }
        if (node.hasAttribute("max")) {
            b.setInput(2, AdapterSupport.scalarLike(ctx, node, node.getFloat("max", 0f), node.input(0), "max", out));
        }
        out.add(b.build());
        return out;
    }

    @Override
    public int minimumOpset(Node canonical) {
        return canonical.hasInput(1) || canonical.hasInput(2) ? 11 : 6;
    }

    /** Constant bounds become the attributes again (opset 1 also took them so; its other changes were hints). */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        Node.Builder b = AdapterSupport.firstInputs(canonical, 1);
        if (canonical.hasInput(1)) {
            b.attr("min", AdapterSupport.single(canonical, AdapterSupport.constantInput(canonical, 1, ctx, "'min'"), ctx, "'min'"));
        }
        if (canonical.hasInput(2)) {
            b.attr("max", AdapterSupport.single(canonical, AdapterSupport.constantInput(canonical, 2, ctx, "'max'"), ctx, "'max'"));
        }
        return List.of(b.build());
    }
}
