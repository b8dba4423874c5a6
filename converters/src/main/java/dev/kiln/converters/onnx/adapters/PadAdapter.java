package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pad: opset 1 named the widths 'paddings', opset 2 'pads'; opset 11 made them input 1 and the fill
 * 'value' input 2, typed like the data. Axes (input 3) arrived in 18, wrap mode in 19.
 */
final class PadAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Pad");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 11;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Attribute pads = node.hasAttribute("pads") ? node.attribute("pads") : node.attribute("paddings");
        if (pads == null) {
            throw AdapterSupport.unsupported(node, ctx, "has no 'pads' attribute");
        }
        List<Node> out = new ArrayList<>();
        long[] widths = pads.asLongs();
        Node.Builder b = node.toBuilder().removeAttribute("pads").removeAttribute("paddings").removeAttribute("value")
                .setInput(1, ctx.addConstant(AdapterSupport.hint(node, "pads"), Tensor.of(widths, widths.length)));
        float value = node.getFloat("value", 0f);
        // a zero fill is the default of the input form, so it needs no constant
        if (value != 0f && node.getString("mode", "constant").equals("constant")) {
            b.setInput(2, AdapterSupport.scalarLike(ctx, node, value, node.input(0), "value", out));
        }
        out.add(b.build());
        return out;
    }

    @Override
    public int minimumOpset(Node canonical) {
        if (canonical.getString("mode", "constant").equals("wrap")) {
            return 19;
        }
        return canonical.hasInput(3) ? 18 : 11;
    }
}
