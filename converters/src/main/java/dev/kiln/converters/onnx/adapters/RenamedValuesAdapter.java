package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ops whose string attribute values were renamed or whose default changed, with no other change:
 * GridSample's modes 'bilinear' and 'bicubic' became 'linear' and 'cubic' in opset 20; RoiAlign got
 * coordinate_transformation_mode in opset 16 with default 'half_pixel', while opsets 10-15 behaved as
 * 'output_half_pixel'. Both directions map the values; a value the older form lacks is refused.
 */
final class RenamedValuesAdapter implements OpsetAdapter {
    private static final Map<String, String> GRID_MODES = Map.of("bilinear", "linear", "bicubic", "cubic");

    @Override
    public Set<String> opTypes() {
        return Set.of("GridSample", "RoiAlign");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return node.opType().equals("GridSample") ? opset < 20 : opset < 16;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        if (node.opType().equals("RoiAlign")) {
            return List.of(node.toBuilder().attr("coordinate_transformation_mode", "output_half_pixel").build());
        }
        String mode = node.getString("mode", "bilinear");
        return List.of(node.toBuilder().attr("mode", GRID_MODES.getOrDefault(mode, mode)).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        if (canonical.opType().equals("RoiAlign")) {
            // written as it is, the attribute (or its absence, meaning half_pixel) needs 16
            return 16;
        }
        // an absent mode means bilinear in both forms
        return GRID_MODES.containsValue(canonical.getString("mode", "")) ? 20 : 16;
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (canonical.opType().equals("RoiAlign")) {
            if (!canonical.getString("coordinate_transformation_mode", "half_pixel").equals("output_half_pixel")) {
                throw AdapterSupport.unsupported(canonical, ctx, "coordinate_transformation_mode 'half_pixel' needs ai.onnx opset 16 or later");
            }
            return List.of(canonical.toBuilder().removeAttribute("coordinate_transformation_mode").build());
        }
        String mode = canonical.getString("mode", "linear");
        for (Map.Entry<String, String> e : GRID_MODES.entrySet()) {
            if (e.getValue().equals(mode)) {
                mode = e.getKey();
            }
        }
        return List.of(canonical.toBuilder().attr("mode", mode).build());
    }
}
