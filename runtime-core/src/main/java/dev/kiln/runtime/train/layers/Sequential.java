package dev.kiln.runtime.train.layers;

import java.util.List;

/** Layers applied one after another. Immutable. */
public record Sequential(List<Layer> layers) implements Layer {
    public Sequential {
        layers = List.copyOf(layers);
    }

    public static Sequential of(Layer... layers) {
        return new Sequential(List.of(layers));
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        Sym x = input;
        for (Layer l : layers) {
            x = l.apply(net, x);
        }
        return x;
    }
}
