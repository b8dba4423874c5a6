package dev.kiln.spark.train;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * Makes a value on each executor: networks and optimizers hold code (layers, attribute setters) that
 * does not serialize, so Spark ships this recipe and every worker builds its own. Must be stateless and
 * give equal values each call (every rank builds the same network).
 */
@FunctionalInterface
public interface Factory<T> extends Supplier<T>, Serializable {
}
