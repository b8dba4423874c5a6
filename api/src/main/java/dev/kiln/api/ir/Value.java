package dev.kiln.api.ir;

/**
 * A named value of a graph: a graph input or output, or an intermediate whose type is known.
 *
 * @param name      unique within its graph; never empty
 * @param type      its static type, or null when unknown
 * @param docString free text, never null
 */
public record Value(String name, ValueType type, String docString) {
    public Value {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a value needs a non-empty name");
        }
        docString = docString == null ? "" : docString;
    }

    public Value(String name, ValueType type) {
        this(name, type, "");
    }

    /** The tensor type, or null when the value is not a tensor or its type is unknown. */
    public ValueType.TensorType tensorType() {
        return type instanceof ValueType.TensorType t ? t : null;
    }

    @Override
    public String toString() {
        return "'" + name + "': " + (type == null ? "?" : type.toString());
    }
}
