package dev.kiln.runtime.train.layers;

/**
 * A piece of a network that writes its own IR. {@link #apply} is called once per graph the trainer
 * builds (training, evaluation, export), always in the same order, so parameter names repeat and the
 * parameters are created only on the first call. Layers are configuration: immutable, thread-safe.
 */
public interface Layer {
    /** Adds this layer's nodes after {@code input}; returns the output value. */
    Sym apply(NetBuilder net, Sym input);
}
