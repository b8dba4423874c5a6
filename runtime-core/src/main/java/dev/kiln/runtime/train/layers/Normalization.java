package dev.kiln.runtime.train.layers;

import dev.kiln.api.tensor.Tensor;
import java.util.List;

/** IR shared by the normalization layers' training forms. */
final class Normalization {
    private Normalization() {
    }

    /** The mean over {@code axes} (kept), the centred input and the biased variance. */
    record Moments(String mean, String centred, String variance) {
    }

    static Moments moments(NetBuilder net, String x, long... axes) {
        String ax = net.ints(axes);
        String mean = net.op("ReduceMean", List.of(x, ax), b -> b.attr("keepdims", 1L));
        String centred = net.op("Sub", List.of(x, mean));
        String variance = net.op("ReduceMean", List.of(net.op("Mul", List.of(centred, centred)), ax), b -> b.attr("keepdims", 1L));
        return new Moments(mean, centred, variance);
    }

    /** (centred / sqrt(variance + epsilon)) * scale + shift, with scale and shift reshaped to {@code shape}. */
    static String normalize(NetBuilder net, Moments m, double epsilon, String scale, String shift, long... shape) {
        String eps = net.constant("epsilon", Tensor.scalar((float) epsilon));
        String xhat = net.op("Div", List.of(m.centred(), net.op("Sqrt", List.of(net.op("Add", List.of(m.variance(), eps))))));
        String s = net.op("Reshape", List.of(scale, net.ints(shape)));
        String t = net.op("Reshape", List.of(shift, net.ints(shape)));
        return net.op("Add", List.of(net.op("Mul", List.of(xhat, s)), t));
    }
}
