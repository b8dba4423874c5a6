package dev.kiln.api.tensor;

/**
 * A value that flows along a graph edge at run time: a {@link Tensor}, a {@link TensorSequence}, an
 * {@link OptionalValue} or a {@link TensorMap}. Values are immutable once a kernel has produced them.
 */
public sealed interface RuntimeValue permits Tensor, TensorSequence, OptionalValue, TensorMap {
    /** A short description for messages, e.g. {@code float32[2,3]} or {@code seq(float32[?])}. */
    String describe();
}
