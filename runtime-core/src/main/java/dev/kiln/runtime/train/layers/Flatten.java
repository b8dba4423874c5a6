package dev.kiln.runtime.train.layers;

import java.util.List;

/** Flattens every dimension after the batch into one. */
public record Flatten() implements Layer {
    @Override
    public Sym apply(NetBuilder net, Sym input) {
        return new Sym(net.op("Flatten", List.of(input.name()), b -> b.attr("axis", 1L)), new long[] {-1, input.featureCount()});
    }
}
