package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRule;

/**
 * Resize in any mode is linear in X over its resized (trailing) axes: Y = R X with R of shape
 * [out spatial elements, in spatial elements]. R is obtained by resizing the identity (one one-hot image
 * per input element, stacked along the batch), and dX = dY R. The leading axes that Resize keeps (equal
 * static extents in X and Y, at least one) are folded into the batch. Costs (in elements x out elements)
 * memory, which suits the feature-map sizes of upsampling layers.
 */
final class ResizeRule implements GradientRule {
    @Override
    public void backward(GradientContext g) {
        String x = g.input(0);
        int lead = keptLeadingAxes(g, x, g.output(0));
        int rank = g.rank(x);
        String spatial = g.emit(Node.builder("Shape").input(x).attr("start", (long) lead));
        String count = g.emit(Node.builder("ReduceProd").input(spatial).attr("keepdims", 1L));
        String zeros = g.emit(Node.builder("ConstantOfShape").input(ConvRules.concat(g, count, count)));
        String eye = g.op("EyeLike", g.op("CastLike", zeros, x));
        String images = g.op("Reshape", eye, ConvRules.concat(g, count, g.ints(ones(lead - 1)), spatial));
        Node.Builder replay = g.node().toBuilder().name(null).clearInputs().input(images);
        for (int i = 1; i < g.node().inputs().size(); i++) {
            String in = g.input(i);
            if (i == 3 && !in.isEmpty() && !g.node().hasAttribute("axes")) {
                // explicit sizes name the batch axes too: give the identity's batch extents instead
                String batch = g.emit(Node.builder("Shape").input(images).attr("start", 0L).attr("end", (long) lead));
                in = ConvRules.concat(g, batch, g.op("Slice", in, g.ints(lead), g.ints(rank)));
            }
            replay.input(in);
        }
        String resized = g.emit(replay);
        String matrix = g.op("Reshape", resized, ConvRules.concat(g, count, g.ints(-1)));
        String outSpatial = g.emit(Node.builder("ReduceProd").input(g.emit(Node.builder("Shape").input(g.gradient())
                .attr("start", (long) lead))).attr("keepdims", 1L));
        String dy = g.op("Reshape", g.gradient(), ConvRules.concat(g, g.ints(-1), outSpatial));
        String dx = g.op("MatMul", dy, g.op("Transpose", matrix));
        g.setGradient(0, g.op("Reshape", dx, g.shapeOf(x)));
    }

    private static int keptLeadingAxes(GradientContext g, String x, String y) {
        Shape xs = g.shape(x);
        Shape ys = g.shape(y);
        Tensor scales = g.node().hasInput(2) ? g.constantValue(g.input(2)) : null;
        Tensor sizes = g.node().hasInput(3) ? g.constantValue(g.input(3)) : null;
        boolean allAxes = !g.node().hasAttribute("axes");
        int lead = 0;
        while (xs != null && lead < xs.rank() - 1) {
            boolean kept = ys != null && lead < ys.rank() && sameExtent(xs, ys, lead)
                    || allAxes && scales != null && scales.elementCount() > lead && scales.getDouble(lead) == 1.0
                    || allAxes && sizes != null && sizes.elementCount() > lead && xs.isKnown(lead) && sizes.getLong(lead) == xs.dim(lead);
            if (!kept) {
                break;
            }
            lead++;
        }
        if (lead == 0) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe()
                    + " needs a leading axis that Resize provably keeps (static extents of input and output)");
        }
        return lead;
    }

    private static boolean sameExtent(Shape a, Shape b, int i) {
        return a.isKnown(i) ? b.isKnown(i) && a.dim(i) == b.dim(i) : a.symbol(i) != null && a.symbol(i).equals(b.symbol(i));
    }

    private static long[] ones(int n) {
        return ConvGeometry.ones(n);
    }
}
