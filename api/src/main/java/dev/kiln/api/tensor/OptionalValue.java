package dev.kiln.api.tensor;

import dev.kiln.api.ir.ValueType;

/**
 * An ONNX optional: either holds a tensor or sequence, or is empty. An empty optional still carries
 * the type it would hold.
 *
 * @param elementType the type of the held value (never null)
 * @param value       the held value, or null when empty
 */
public record OptionalValue(ValueType elementType, RuntimeValue value) implements RuntimeValue {
    public static OptionalValue empty(ValueType elementType) {
        return new OptionalValue(elementType, null);
    }

    public static OptionalValue of(ValueType elementType, RuntimeValue value) {
        return new OptionalValue(elementType, java.util.Objects.requireNonNull(value, "value"));
    }

    public boolean isPresent() {
        return value != null;
    }

    @Override
    public String describe() {
        return "optional(" + (value == null ? "empty" : value.describe()) + ")";
    }
}
