package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Resize: opset 10 took (X, scales) and mapped coordinates like Upsample (x / scale); opset 11 added
 * the roi and sizes inputs and the coordinate-transformation attributes. Opset-10 nearest rounding
 * took the lower neighbour when upsampling and the upper one when downsampling.
 */
final class ResizeAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Resize");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 11;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        String mode = node.getString("mode", "nearest");
        Node.Builder b = node.toBuilder().clearInputs().inputs(node.input(0), "", node.input(1))
                .attr("coordinate_transformation_mode", "asymmetric");
        if (mode.equals("nearest")) {
            b.attr("nearest_mode", downsamples(ctx.constantValue(node.input(1))) ? "ceil" : "floor");
        }
        return List.of(b.build());
    }

    /** True when constant scales shrink every axis they change. */
    private static boolean downsamples(Tensor scales) {
        if (scales == null) {
            return false;
        }
        boolean shrinks = false;
        for (int i = 0; i < scales.size(); i++) {
            double s = scales.getDouble(i);
            if (s > 1) {
                return false;
            }
            shrinks |= s < 1;
        }
        return shrinks;
    }

    @Override
    public int minimumOpset(Node canonical) {
        if (canonical.getString("coordinate_transformation_mode", "").equals("half_pixel_symmetric")) {
            return 19;
        }
        if (canonical.hasAttribute("antialias") || canonical.hasAttribute("axes") || canonical.hasAttribute("keep_aspect_ratio_policy")) {
            return 18;
        }
        // an absent roi became legal in opset 13
        return canonical.hasInput(1) ? 11 : 13;
    }
}
