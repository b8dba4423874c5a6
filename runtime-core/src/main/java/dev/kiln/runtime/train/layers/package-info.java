/**
 * Layers that write Kiln IR into a {@link dev.kiln.runtime.train.layers.NetBuilder}, in a training form
 * and an inference form (Dropout, BatchNorm, LayerNorm and Embedding differ), with seeded Glorot/He
 * {@link dev.kiln.runtime.train.layers.Initializer}s. Layers are immutable records; builders and
 * {@link dev.kiln.runtime.train.layers.Parameters} are single-threaded.
 */
package dev.kiln.runtime.train.layers;
