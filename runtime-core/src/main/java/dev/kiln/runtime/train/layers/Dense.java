package dev.kiln.runtime.train.layers;

import java.util.List;

/**
 * A fully connected layer on the last axis: {@code y = activation(x W + b)} with W of shape
 * [inFeatures, units] and b of shape [units].
 *
 * @param units       output features, positive
 * @param activation  applied after the affine map, never null (use {@link Activation#LINEAR})
 * @param initializer draws W (b starts at zero)
 */
public record Dense(int units, Activation activation, Initializer initializer) implements Layer {
    public Dense {
        if (units <= 0) {
            throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        }
        java.util.Objects.requireNonNull(activation, "activation");
        java.util.Objects.requireNonNull(initializer, "initializer");
    }

    public Dense(int units, Activation activation) {
        this(units, activation, activation.defaultInitializer());
    }

    public Dense(int units) {
        this(units, Activation.LINEAR);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        String name = net.layerName("dense");
        long in = input.dim(-1);
        String w = net.parameter(name + ".weight", new long[] {in, units},
                () -> initializer.draw(net.initRng(), (int) (in * units), in, units));
        String b = net.parameter(name + ".bias", new long[] {units}, () -> new float[units]);
        String y = net.op("Add", List.of(net.op("MatMul", List.of(input.name(), w)), b));
        long[] shape = input.shape();
        shape[shape.length - 1] = units;
        return activation.apply(net, new Sym(y, shape));
    }
}
