/**
 * Training: a {@link dev.kiln.runtime.train.Network} of layers with one or more weighted
 * {@link dev.kiln.runtime.train.Head}s, a {@link dev.kiln.runtime.train.Trainer} that differentiates it
 * (runtime autodiff) and updates the weights with an optimizer op, {@link dev.kiln.runtime.train.Losses}
 * written as IR, schedules, clipping by global norm, freezing, listeners (progress, early stopping,
 * checkpoints), atomic {@link dev.kiln.runtime.train.Checkpoint}s that resume bit-identically, and
 * {@link dev.kiln.runtime.train.OnnxExport} of the inference graph.
 *
 * <p>Nullability: arguments are non-null unless a parameter says otherwise. Ownership: a trainer owns its
 * sessions (close it); tensors it returns are the caller's. Threading: trainers are driven by one thread;
 * configuration objects (networks, layers, losses, optimizers, schedules) are immutable and shareable.
 */
package dev.kiln.runtime.train;
