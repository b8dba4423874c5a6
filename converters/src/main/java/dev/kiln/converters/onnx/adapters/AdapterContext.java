package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;

/**
 * What an {@link OpsetAdapter} may ask of the graph it rewrites: the opset the node was written in,
 * fresh value names, new constant values, and what is statically known about existing values. One
 * context serves one graph being imported; not thread-safe.
 */
@Internal
public interface AdapterContext {
    /** The ai.onnx opset the node being adapted was written in. */
    int opset();

    /** A value name based on {@code hint} that no value of the model uses yet; reserved by this call. */
    String freshName(String hint);

    /** Adds {@code value} as an initializer of the graph under a fresh name based on {@code hint}; returns the name. */
    String addConstant(String hint, Tensor value);

    /** The static type of a value visible from the node (this graph or an enclosing one), or null when unknown. */
    ValueType typeOf(String valueName);

    /** The value of an initializer or Constant output visible from the node, or null when it is not a known constant. */
    Tensor constantValue(String valueName);
}
