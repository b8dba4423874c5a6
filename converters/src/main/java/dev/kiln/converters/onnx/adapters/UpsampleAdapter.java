package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Upsample (deprecated in opset 10) becomes Resize. Opset 1 gave height_scale and width_scale for NCHW
 * input, opset 7 a 'scales' attribute, opsets 9-10 a scales input. Upsample maps output coordinates
 * back with x / scale and takes the lower neighbour, which is Resize's asymmetric transformation with
 * floor rounding.
 */
final class UpsampleAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Upsample");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return true;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        String scales;
        if (node.hasInput(1)) {
            scales = node.input(1);
        } else if (node.hasAttribute("scales")) {
            float[] s = node.getFloats("scales", null);
            scales = ctx.addConstant(AdapterSupport.hint(node, "scales"), Tensor.of(s, s.length));
        } else if (node.hasAttribute("height_scale") && node.hasAttribute("width_scale")) {
            float[] s = {1f, 1f, node.getFloat("height_scale", 1f), node.getFloat("width_scale", 1f)};
            scales = ctx.addConstant(AdapterSupport.hint(node, "scales"), Tensor.of(s, 4));
        } else {
            throw AdapterSupport.unsupported(node, ctx, "gives no scales");
        }
        String mode = node.getString("mode", "nearest");
        boolean nearest = mode.equals("nearest");
        if (!nearest && !mode.equals("linear") && !mode.equals("bilinear")) {
            throw AdapterSupport.unsupported(node, ctx, "unknown mode '" + mode + "'");
        }
        Node.Builder b = Node.builder("Resize").name(node.name()).docString(node.docString())
                .inputs(node.input(0), "", scales).outputs(node.outputs())
                .attr("mode", nearest ? "nearest" : "linear").attr("coordinate_transformation_mode", "asymmetric");
        if (nearest) {
            b.attr("nearest_mode", "floor");
        }
        return List.of(b.build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 9;
    }
}
