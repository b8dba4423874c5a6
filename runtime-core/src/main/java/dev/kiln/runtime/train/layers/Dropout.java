package dev.kiln.runtime.train.layers;

import java.util.List;

/**
 * Inverted dropout. Training multiplies by a mask the trainer draws each step from its seeded generator
 * (kept elements scaled by 1/(1-rate)), so a checkpointed run replays the same masks; inference is the
 * identity and adds no node.
 */
public record Dropout(double rate) implements Layer {
    public Dropout {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        }
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        String name = net.layerName("dropout");
        if (!net.training() || rate == 0) {
            return input;
        }
        long[] perSample = java.util.Arrays.copyOfRange(input.shape(), 1, input.rank());
        String mask = net.mask(name + ".mask", perSample, rate);
        return new Sym(net.op("Mul", List.of(input.name(), mask)), input.shape());
    }
}
