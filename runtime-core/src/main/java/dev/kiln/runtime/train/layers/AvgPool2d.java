package dev.kiln.runtime.train.layers;

/** Average pooling over NCHW input with a square window, no padding (ONNX AveragePool). */
public record AvgPool2d(int size, int stride) implements Layer {
    public AvgPool2d {
        Pooling.check("AvgPool2d", size, stride);
    }

    /** Stride equal to the window. */
    public AvgPool2d(int size) {
        this(size, size);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        return Pooling.apply(net, input, "AvgPool2d", "AveragePool", size, stride);
    }
}
