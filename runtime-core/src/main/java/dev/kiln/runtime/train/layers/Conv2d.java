package dev.kiln.runtime.train.layers;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D convolution over NCHW input: W of shape [filters, channels, kernel, kernel], bias [filters],
 * then the activation. {@code same} padding keeps H and W at stride 1 (odd kernels); otherwise no padding.
 */
public record Conv2d(int filters, int kernel, int stride, boolean same, Activation activation) implements Layer {
    public Conv2d {
        if (filters <= 0 || kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException("Conv2d: filters, kernel and stride must be positive, got "
                    + filters + ", " + kernel + ", " + stride);
        }
        java.util.Objects.requireNonNull(activation, "activation");
    }

    public Conv2d(int filters, int kernel, Activation activation) {
        this(filters, kernel, 1, true, activation);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("Conv2d: expected NCHW input, got " + input);
        }
        String name = net.layerName("conv");
        long c = input.dim(1);
        long fanIn = c * kernel * kernel;
        String w = net.parameter(name + ".weight", new long[] {filters, c, kernel, kernel},
                () -> activation.defaultInitializer().draw(net.initRng(), (int) (filters * fanIn), fanIn, (long) filters * kernel * kernel));
        String b = net.parameter(name + ".bias", new long[] {filters}, () -> new float[filters]);
        long pad = same ? kernel / 2 : 0;
        List<String> in = new ArrayList<>(List.of(input.name(), w, b));
        String y = net.op("Conv", in, nb -> nb.attr("kernel_shape", (long) kernel, kernel)
                .attr("strides", (long) stride, stride).attr("pads", pad, pad, pad, pad));
        long h = (input.dim(2) + 2 * pad - kernel) / stride + 1;
        long wd = (input.dim(3) + 2 * pad - kernel) / stride + 1;
        return activation.apply(net, new Sym(y, new long[] {-1, filters, h, wd}));
    }
}
