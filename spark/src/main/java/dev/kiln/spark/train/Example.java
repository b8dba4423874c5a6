package dev.kiln.spark.train;

import java.io.Serializable;

/**
 * One training row as it travels to its worker: its position in the input (which fixes its shard and
 * its place there), the flattened input and the flattened label. Arrays are owned by the record.
 */
record Example(long index, float[] input, float[] label) implements Serializable {
}
