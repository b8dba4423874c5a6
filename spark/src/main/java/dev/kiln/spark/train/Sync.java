package dev.kiln.spark.train;

import java.io.Serializable;

/**
 * How data-parallel workers agree on the weights. {@link #EVERY_STEP}: a ring all-reduce of the
 * gradients every step inside one barrier stage, equivalent to one process training on the global
 * batch. {@link #averageEvery(int)}: each worker takes {@code k} local steps from the same weights, then
 * the driver averages weights and optimizer state (broadcast + treeAggregate); no barrier or open ports
 * needed, at the price of drift between averages. Immutable.
 *
 * @param averageEvery 0 for every-step all-reduce, else the number of local steps between averages
 */
public record Sync(int averageEvery) implements Serializable {
    public static final Sync EVERY_STEP = new Sync(0);

    public Sync {
        if (averageEvery < 0) {
            throw new IllegalArgumentException("steps between averages must be >= 1 (or 0 for every-step all-reduce), got " + averageEvery);
        }
    }

    /** Local steps between parameter averages; {@code k >= 1}. */
    public static Sync averageEvery(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("steps between averages must be >= 1, got " + k);
        }
        return new Sync(k);
    }

    public boolean everyStep() {
        return averageEvery == 0;
    }
}
