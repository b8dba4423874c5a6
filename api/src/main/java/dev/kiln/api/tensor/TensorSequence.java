package dev.kiln.api.tensor;

import java.util.List;

/**
 * An ONNX sequence: an ordered, immutable list of tensors sharing one element type.
 *
 * @param elementType the element type of every tensor in the sequence (known even when empty)
 * @param tensors     the tensors, never null
 */
public record TensorSequence(DType elementType, List<Tensor> tensors) implements RuntimeValue {
    public TensorSequence {
        tensors = List.copyOf(tensors);
        for (Tensor t : tensors) {
            if (t.dtype() != elementType) {
                throw new IllegalArgumentException("sequence of " + elementType + " cannot hold " + t.describe());
            }
        }
    }

    public int size() {
        return tensors.size();
    }

    public Tensor get(int i) {
        return tensors.get(i);
    }

    @Override
    public String describe() {
        return "seq(" + elementType + ")[" + tensors.size() + "]";
    }
}
