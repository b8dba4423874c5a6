package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/**
 * Conv and ConvTranspose (1-3 spatial dims, groups, strides, pads, dilations) with standard ops only:
 * Conv's input gradient is a ConvTranspose of dY and ConvTranspose's is a Conv; the weight gradient of
 * both is a grouped Conv of the (rearranged) input with the (rearranged) output gradient.
 */
public final class ConvRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "Conv", ConvRules::conv);
        r.add("", "ConvTranspose", ConvRules::convTranspose);
    }

    private static void conv(GradientContext g) {
        String x = g.input(0);
        String w = g.input(1);
        String dy = g.gradient();
        ConvGeometry geo = ConvGeometry.of(g, x, w);
        long group = g.node().getInt("group", 1);
        if (g.needsGradient(0)) {
            String back = g.emit(geo.transposedWindow(Node.builder("ConvTranspose").inputs(dy, w)).attr("group", group));
            g.setGradient(0, fitSpatial(g, back, x, geo.spatial()));
        }
        if (g.needsGradient(1)) {
            g.setGradient(1, weightGradient(g, x, dy, w, group, geo));
        }
        if (g.needsGradient(2)) {
            g.setGradient(2, g.emit(Node.builder("ReduceSum").inputs(dy, g.ints(geo.allButChannels())).attr("keepdims", 0L)));
        }
    }

    private static void convTranspose(GradientContext g) {
        String x = g.input(0);
        String w = g.input(1);
        String dy = g.gradient();
        if (g.node().hasAttribute("output_shape") || !g.node().getString("auto_pad", "NOTSET").equals("NOTSET")) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe()
                    + " needs explicit 'pads' and 'output_padding' (not 'output_shape' or 'auto_pad')");
        }
        ConvGeometry geo = ConvGeometry.of(g, x, w);
        long group = g.node().getInt("group", 1);
        if (g.needsGradient(0)) {
            g.setGradient(0, g.emit(geo.window(Node.builder("Conv").inputs(dy, w)).attr("group", group)));
        }
        if (g.needsGradient(1)) {
            g.setGradient(1, weightGradient(g, dy, x, w, group, geo));
        }
        if (g.needsGradient(2)) {
            g.setGradient(2, g.emit(Node.builder("ReduceSum").inputs(dy, g.ints(geo.allButChannels())).attr("keepdims", 0L)));
        }
    }

    /**
     * dW[m, c, k] = sum over n, o of in[n, group(m) c, o s + k d - p] out[n, m, o]: a Conv whose batch is
     * the input's channels-per-group, whose channels are (group, batch) pairs, and whose weights are the
     * output gradient with batch as input channels; strides and dilations swap roles. The result is cut
     * to the kernel extents (it may be longer when the strides leave input rows unused).
     */
    static String weightGradient(GradientContext g, String in, String out, String weight, long group, ConvGeometry geo) {
        long[] channelsFirst = LinalgRules.range(geo.spatial() + 2);
        channelsFirst[0] = 1;
        channelsFirst[1] = 0;
        String input;
        if (group == 1) {
            input = g.emit(Node.builder("Transpose").input(in).attr("perm", channelsFirst));
        } else {
            String batch = g.emit(Node.builder("Shape").input(in).attr("start", 0L).attr("end", 1L));
            String spatialShape = g.emit(Node.builder("Shape").input(in).attr("start", 2L));
            String split = g.op("Reshape", in, concat(g, batch, g.ints(group, -1), spatialShape));
            long[] perm = LinalgRules.range(geo.spatial() + 3);
            perm[0] = 2;
            perm[2] = 0;
            String moved = g.emit(Node.builder("Transpose").input(split).attr("perm", perm));
            input = g.op("Reshape", moved, concat(g, g.ints(-1), g.mul(g.ints(group), batch), spatialShape));
        }
        String kernels = g.emit(Node.builder("Transpose").input(out).attr("perm", channelsFirst));
        String full = g.emit(Node.builder("Conv").inputs(input, kernels).attr("strides", geo.dilations()).attr("dilations", geo.strides())
                .attr("pads", geo.pads()).attr("group", group));
        String dw = g.emit(Node.builder("Transpose").input(full).attr("perm", channelsFirst));
        String ends = g.emit(Node.builder("Shape").input(weight).attr("start", 2L));
        return g.op("Slice", dw, g.ints(new long[geo.spatial()]), ends, g.ints(geo.spatialAxes()));
    }

    /**
     * Cuts {@code v}'s spatial axes to {@code like}'s extents, or zero-extends them at the end: input rows
     * that no window reached get a zero gradient.
     */
    static String fitSpatial(GradientContext g, String v, String like, int spatial) {
        String target = g.emit(Node.builder("Shape").input(like).attr("start", 2L));
        long[] axes = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            axes[i] = i + 2;
        }
        String cut = g.op("Slice", v, g.ints(new long[spatial]), target, g.ints(axes));
        String have = g.emit(Node.builder("Shape").input(cut).attr("start", 2L));
        String pads = concat(g, g.ints(new long[spatial + 4]), g.sub(target, have));
        return g.op("Pad", cut, pads);
    }

    static String concat(GradientContext g, String... parts) {
        return g.emit(Node.builder("Concat").inputs(parts).attr("axis", 0L));
    }
}
