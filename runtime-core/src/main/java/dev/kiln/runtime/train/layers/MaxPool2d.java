package dev.kiln.runtime.train.layers;

/** Max pooling over NCHW input with a square window, no padding (ONNX MaxPool). */
public record MaxPool2d(int size, int stride) implements Layer {
    public MaxPool2d {
        Pooling.check("MaxPool2d", size, stride);
    }

    /** Stride equal to the window. */
    public MaxPool2d(int size) {
        this(size, size);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        return Pooling.apply(net, input, "MaxPool2d", "MaxPool", size, stride);
    }
}
