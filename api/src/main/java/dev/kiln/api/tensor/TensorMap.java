package dev.kiln.api.tensor;

import java.util.Map;

/**
 * An ONNX map (used by {@code ai.onnx.ml} ops such as ZipMap): keys of one integer or string type to
 * values held as one-element tensors.
 *
 * @param keyType   INT64 or STRING
 * @param valueType the element type of the values
 * @param entries   insertion-ordered entries; keys are {@link Long} or {@link String}
 */
public record TensorMap(DType keyType, DType valueType, Map<Object, Object> entries) implements RuntimeValue {
    public TensorMap {
        entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
    }

    @Override
    public String describe() {
        return "map(" + keyType + "," + valueType + ")[" + entries.size() + "]";
    }
}
