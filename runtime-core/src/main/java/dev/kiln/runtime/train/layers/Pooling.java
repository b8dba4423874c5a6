package dev.kiln.runtime.train.layers;

import java.util.List;

/** The IR of square-window pooling over NCHW input without padding, shared by the pooling layers. */
final class Pooling {
    private Pooling() {
    }

    static void check(String layer, int size, int stride) {
        if (size <= 0 || stride <= 0) {
            throw new IllegalArgumentException(layer + ": size and stride must be positive, got " + size + ", " + stride);
        }
    }

    static Sym apply(NetBuilder net, Sym input, String layer, String op, int size, int stride) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException(layer + ": expected NCHW input, got " + input);
        }
        String y = net.op(op, List.of(input.name()), b -> b.attr("kernel_shape", (long) size, size).attr("strides", (long) stride, stride));
        return new Sym(y, new long[] {-1, input.dim(1), (input.dim(2) - size) / stride + 1, (input.dim(3) - size) / stride + 1});
    }
}
