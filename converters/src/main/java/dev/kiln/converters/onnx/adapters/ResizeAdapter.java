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
        // an absent roi or scales became legal in opset 13
        return canonical.hasInput(1) && canonical.hasInput(2) ? 11 : 13;
    }

    /**
     * Opset 18's attributes go when they hold their defaults; opsets 11-12 get explicit empty roi and
     * scales; opset 10 takes only (X, scales) with x / scale coordinates, and before 10 that form is
     * Upsample. Anything those forms cannot say is refused.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        int opset = ctx.opset();
        if (opset < 19 && canonical.getString("coordinate_transformation_mode", "").equals("half_pixel_symmetric")) {
            throw AdapterSupport.unsupported(canonical, ctx, "coordinate_transformation_mode 'half_pixel_symmetric' needs ai.onnx opset 19 or later");
        }
        if (opset >= 13) {
            return List.of(canonical);
        }
        if (opset >= 11) {
            Node.Builder b = canonical.toBuilder();
            if (!canonical.hasInput(1)) {
                b.setInput(1, ctx.addConstant(AdapterSupport.hint(canonical, "roi"), Tensor.of(new float[0], 0)));
            }
            if (!canonical.hasInput(2)) {
                b.setInput(2, ctx.addConstant(AdapterSupport.hint(canonical, "scales"), Tensor.of(new float[0], 0)));
            }
            return List.of(b.build());
        }
        String mode = canonical.getString("mode", "nearest");
        boolean nearest = mode.equals("nearest");
        if (canonical.getInt("antialias", 0) != 0 || canonical.hasAttribute("axes")) {
            throw AdapterSupport.unsupported(canonical, ctx, "antialias and axes need ai.onnx opset 18 or later");
        }
        if (canonical.hasInput(3) || !canonical.hasInput(2)) {
            throw AdapterSupport.unsupported(canonical, ctx, "output sizes (instead of scales) need ai.onnx opset 11 or later");
        }
        if (!canonical.getString("coordinate_transformation_mode", "half_pixel").equals("asymmetric") || mode.equals("cubic")) {
            throw AdapterSupport.unsupported(canonical, ctx, "only 'asymmetric' nearest or linear resizing can be written before opset 11");
        }
        Tensor scales = ctx.constantValue(canonical.input(2));
        if (nearest && !canonical.getString("nearest_mode", "round_prefer_floor").equals(scales != null && downsamples(scales) ? "ceil" : "floor")) {
            throw AdapterSupport.unsupported(canonical, ctx, "nearest_mode '" + canonical.getString("nearest_mode", "round_prefer_floor")
                    + "' differs from the rounding of opset " + opset + (scales == null ? " (the scales are computed)" : ""));
        }
        if (opset == 10) {
            return List.of(old(canonical, "Resize", mode).inputs(canonical.input(0), canonical.input(2)).build());
        }
        if (opset >= 9) {
            return List.of(old(canonical, "Upsample", mode).inputs(canonical.input(0), canonical.input(2)).build());
        }
        float[] s = AdapterSupport.floats(AdapterSupport.constantInput(canonical, 2, ctx, "'scales'"));
        if (opset >= 7) {
            return List.of(old(canonical, "Upsample", mode).input(canonical.input(0)).attr("scales", s).build());
        }
        if (s.length != 4 || s[0] != 1 || s[1] != 1) {
            throw AdapterSupport.unsupported(canonical, ctx, "opset-1 Upsample scales only the last two axes of a 4-D input");
        }
        return List.of(old(canonical, "Upsample", nearest ? "nearest" : "bilinear").input(canonical.input(0))
                .attr("height_scale", s[2]).attr("width_scale", s[3]).build());
    }

    /** A node of the old op keeping the name, doc and outputs, with only the mode attribute. */
    private static Node.Builder old(Node canonical, String op, String mode) {
        return Node.builder(op).name(canonical.name()).docString(canonical.docString()).outputs(canonical.outputs()).attr("mode", mode);
    }
}
