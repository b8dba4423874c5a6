package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/**
 * Pooling: MaxPool scatters dY to the argmax positions (its Indices output, computed by a second MaxPool
 * when the forward node does not ask for it); AveragePool spreads dY / count with a ConvTranspose of a
 * ones kernel over the channels folded into the batch; the global pools broadcast.
 */
public final class PoolRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "MaxPool", PoolRules::maxPool);
        r.add("", "AveragePool", PoolRules::averagePool);
        r.add("", "GlobalAveragePool", g -> {
            String x = g.input(0);
            String count = g.div(g.op("CastLike", g.op("Size", x), x), g.op("CastLike", g.op("Size", g.output(0)), x));
            g.setGradient(0, g.div(g.op("Expand", g.gradient(), g.shapeOf(x)), count));
        });
        r.add("", "GlobalMaxPool", g -> {
            String x = g.input(0);
            String hit = g.op("Equal", x, g.output(0));
            g.setGradient(0, g.op("Where", hit, g.op("Expand", g.gradient(), g.shapeOf(x)), g.scalar(0, x)));
        });
    }

    private static void maxPool(GradientContext g) {
        if (g.node().getInt("storage_order", 0) != 0) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe() + " supports storage_order 0 only");
        }
        String x = g.input(0);
        String indices = g.output(1);
        if (indices.isEmpty()) {
            indices = g.emit(g.node().toBuilder().name(null), 2)[1];
        }
        String zeros = g.op("Reshape", g.full(0, x, x), g.ints(-1));
        String flat = g.emit(Node.builder("ScatterND").inputs(zeros, g.op("Reshape", indices, g.ints(-1, 1)),
                g.op("Reshape", g.gradient(), g.ints(-1))).attr("reduction", "add"));
        g.setGradient(0, g.op("Reshape", flat, g.shapeOf(x)));
    }

    /**
     * Folds channels into the batch ([N C, 1, spatial]) so one ones-kernel [1, 1, k] serves every channel,
     * divides dY by each window's divisor (the kernel size, or with count_include_pad 0 the number of
     * non-pad elements, itself a Conv of ones) and spreads it back with ConvTranspose.
     */
    private static void averagePool(GradientContext g) {
        if (g.node().getInt("ceil_mode", 0) != 0) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe() + " supports ceil_mode 0 only");
        }
        String x = g.input(0);
        ConvGeometry geo = ConvGeometry.of(g, x, null);
        long[] kernelDims = new long[geo.spatial() + 2];
        kernelDims[0] = 1;
        kernelDims[1] = 1;
        long size = 1;
        for (int i = 0; i < geo.spatial(); i++) {
            kernelDims[i + 2] = geo.kernel()[i];
            size *= geo.kernel()[i];
        }
        Tensor one = g.dtype(x) == DType.DOUBLE ? Tensor.of(new double[] {1}, 1) : Tensor.of(new float[] {1}, 1);
        String kernel = g.emit(Node.builder("ConstantOfShape").input(g.ints(kernelDims)).attr("value", one));
        String dySpatial = g.emit(Node.builder("Shape").input(g.gradient()).attr("start", 2L));
        String xSpatial = g.emit(Node.builder("Shape").input(x).attr("start", 2L));
        String dy = g.op("Reshape", g.gradient(), ConvRules.concat(g, g.ints(-1, 1), dySpatial));
        boolean padded = false;
        for (long p : geo.pads()) {
            padded |= p != 0;
        }
        String scaled;
        if (g.node().getInt("count_include_pad", 0) != 0 || !padded) {
            scaled = g.div(dy, g.scalar(size, x));
        } else {
            String ones = g.emit(Node.builder("ConstantOfShape").input(ConvRules.concat(g, g.ints(1, 1), xSpatial)).attr("value", one));
            scaled = g.div(dy, g.emit(geo.window(Node.builder("Conv").inputs(ones, kernel))));
        }
        String folded = g.op("Reshape", x, ConvRules.concat(g, g.ints(-1, 1), xSpatial));
        String back = g.emit(geo.transposedWindow(Node.builder("ConvTranspose").inputs(scaled, kernel)));
        String fitted = ConvRules.fitSpatial(g, back, folded, geo.spatial());
        g.setGradient(0, g.op("Reshape", fitted, g.shapeOf(x)));
    }
}
