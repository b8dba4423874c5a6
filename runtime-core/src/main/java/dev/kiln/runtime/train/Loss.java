package dev.kiln.runtime.train;

import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Sym;

/**
 * A loss written as IR: from a head's prediction and its label (a float32 input of the prediction's
 * shape) to a scalar float32, the mean over the batch. Implementations are immutable and thread-safe.
 * The factories are in {@link Losses}.
 */
public interface Loss {
    /** Adds the loss's nodes; returns the name of the scalar loss value. */
    String build(NetBuilder net, Sym prediction, String label);

    /** A short name for reports ("softmax_cross_entropy"). */
    String name();

    /** True when the accuracy metric applies: argmax agreement (or 0.5 threshold for one output). */
    default boolean classification() {
        return true;
    }
}
