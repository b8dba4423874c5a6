package dev.kiln.runtime.train.layers;

import java.util.List;

/** Max or average pooling over NCHW input with a square window and no padding. */
public record Pool2d(boolean max, int size, int stride) implements Layer {
    public Pool2d {
        if (size <= 0 || stride <= 0) {
            throw new IllegalArgumentException("pooling: size and stride must be positive, got " + size + ", " + stride);
        }
    }

    /** MaxPool2d with stride equal to the window. */
    public static Pool2d maxPool(int size) {
        return new Pool2d(true, size, size);
    }

    /** AvgPool2d with stride equal to the window. */
    public static Pool2d avgPool(int size) {
        return new Pool2d(false, size, size);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException((max ? "MaxPool2d" : "AvgPool2d") + ": expected NCHW input, got " + input);
        }
        String y = net.op(max ? "MaxPool" : "AveragePool", List.of(input.name()),
                b -> b.attr("kernel_shape", (long) size, size).attr("strides", (long) stride, stride));
        return new Sym(y, new long[] {-1, input.dim(1), (input.dim(2) - size) / stride + 1, (input.dim(3) - size) / stride + 1});
    }
}
