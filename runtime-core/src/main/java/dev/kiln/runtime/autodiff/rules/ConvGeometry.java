package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.runtime.autodiff.GradientContext;

import java.util.Arrays;

/**
 * The window attributes of a Conv, ConvTranspose or pooling node with defaults filled in and 'auto_pad'
 * resolved to explicit pads (which needs static spatial extents for SAME_*).
 *
 * @param spatial   number of spatial axes
 * @param kernel    kernel extents (from 'kernel_shape' or the weight's static shape; null when unknown)
 */
record ConvGeometry(int spatial, long[] kernel, long[] strides, long[] dilations, long[] pads) {

    /** For Conv and pooling: {@code x} is the input, {@code weight} the Conv weight or null for pooling. */
    static ConvGeometry of(GradientContext g, String x, String weight) {
        Node n = g.node();
        int spatial = g.rank(x) - 2;
        long[] kernel = n.getInts("kernel_shape", null);
        if (kernel == null && weight != null) {
            Shape ws = g.shape(weight);
            if (ws != null && ws.isConcrete()) {
                kernel = Arrays.copyOfRange(ws.dims(), 2, ws.rank());
            }
        }
        long[] strides = n.getInts("strides", ones(spatial));
        long[] dilations = n.getInts("dilations", ones(spatial));
        long[] pads = n.getInts("pads", new long[2 * spatial]);
        String autoPad = n.getString("auto_pad", "NOTSET");
        if (autoPad.equals("VALID")) {
            pads = new long[2 * spatial];
        } else if (autoPad.startsWith("SAME")) {
            Shape xs = g.shape(x);
            if (xs == null || kernel == null || !xs.isConcrete()) {
                throw new KilnException("autodiff: " + n.describe() + " uses auto_pad " + autoPad
                        + "; its gradient needs static spatial extents and kernel shape to resolve the pads");
            }
            pads = new long[2 * spatial];
            for (int i = 0; i < spatial; i++) {
                long in = xs.dim(i + 2);
                long out = (in + strides[i] - 1) / strides[i];
                long total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
                long small = total / 2;
                pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                pads[i + spatial] = total - pads[i];
            }
        }
        return new ConvGeometry(spatial, kernel, strides, dilations, pads);
    }

    static long[] ones(int n) {
        long[] v = new long[n];
        Arrays.fill(v, 1);
        return v;
    }

    /** Axes 2 .. 2 + spatial - 1. */
    long[] spatialAxes() {
        long[] a = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            a[i] = i + 2;
        }
        return a;
    }

    /** Axes 0 and 2 .. : every axis but the channels. */
    long[] allButChannels() {
        long[] a = new long[spatial + 1];
        for (int i = 0; i < spatial; i++) {
            a[i + 1] = i + 2;
        }
        return a;
    }

    /**
     * The window attributes for the transposed op that maps an output gradient back onto the input: only
     * the leading pads are cropped, so that every input row a window covered is kept ({@link
     * ConvRules#fitSpatial} then cuts or zero-extends the trailing end to the input's extents).
     */
    Node.Builder transposedWindow(Node.Builder b) {
        long[] begin = new long[2 * spatial];
        System.arraycopy(pads, 0, begin, 0, spatial);
        return b.attr("strides", strides).attr("dilations", dilations).attr("pads", begin);
    }

    Node.Builder window(Node.Builder b) {
        return b.attr("strides", strides).attr("dilations", dilations).attr("pads", pads);
    }
}
