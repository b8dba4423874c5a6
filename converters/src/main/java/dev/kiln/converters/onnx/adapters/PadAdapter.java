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

    /**
     * Wrap mode cannot be written before 19. Axes (before 18) are folded into pads for every axis, which
     * needs constant pads and axes and the input's rank. Before 11 constant pads and fill become the
     * attributes again ('paddings' in opset 1).
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        int opset = ctx.opset();
        if (opset < 19 && canonical.getString("mode", "constant").equals("wrap")) {
            throw AdapterSupport.unsupported(canonical, ctx, "mode 'wrap' needs ai.onnx opset 19 or later");
        }
        long[] pads = null;
        Node.Builder b = canonical.toBuilder();
        if (canonical.hasInput(3)) {
            pads = allAxes(canonical, ctx);
            b = AdapterSupport.firstInputs(canonical, 3)
                    .setInput(1, ctx.addConstant(AdapterSupport.hint(canonical, "pads"), Tensor.of(pads, pads.length)));
        }
        if (opset >= 11) {
            return List.of(b.build());
        }
        if (pads == null) {
            pads = AdapterSupport.longs(AdapterSupport.constantInput(canonical, 1, ctx, "'pads'"));
        }
        b = AdapterSupport.firstInputs(canonical, 1).attr(opset < 2 ? "paddings" : "pads", pads);
        if (canonical.hasInput(2)) {
            b.attr("value", AdapterSupport.single(canonical, AdapterSupport.constantInput(canonical, 2, ctx, "'constant_value'"), ctx, "'constant_value'"));
        }
        return List.of(b.build());
    }

    /** Pads given for some axes, spread over all axes of the input (zero elsewhere). */
    private static long[] allAxes(Node n, AdapterContext ctx) {
        long[] given = AdapterSupport.longs(AdapterSupport.constantInput(n, 1, ctx, "'pads'"));
        long[] axes = AdapterSupport.longs(AdapterSupport.constantInput(n, 3, ctx, "'axes'"));
        int rank = AdapterSupport.rank(ctx, n.input(0));
        if (rank < 0) {
            throw AdapterSupport.unsupported(n, ctx, "padding some axes needs the input's rank to be written before opset 18");
        }
        if (given.length != 2 * axes.length) {
            throw AdapterSupport.unsupported(n, ctx, "'pads' holds " + given.length + " values for " + axes.length + " axes");
        }
        long[] pads = new long[2 * rank];
        for (int i = 0; i < axes.length; i++) {
            int a = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            pads[a] = given[i];
            pads[a + rank] = given[i + axes.length];
        }
        return pads;
    }
}
