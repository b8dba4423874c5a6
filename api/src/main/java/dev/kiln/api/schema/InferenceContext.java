package dev.kiln.api.schema;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;

/** What shape inference knows about one node. Not thread-safe. */
public interface InferenceContext {
    Node node();

    int opsetVersion();

    int inputCount();

    /** Static type of input {@code i}, or null when absent or unknown. */
    ValueType inputType(int i);

    /** The value of input {@code i} when it is a known constant (an initializer or Constant), else null. */
    Tensor constantInput(int i);
}
