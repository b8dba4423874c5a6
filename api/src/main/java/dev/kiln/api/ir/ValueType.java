package dev.kiln.api.ir;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;

/** The static type of a graph value: a tensor, a sequence, an optional or a map. */
public sealed interface ValueType permits ValueType.TensorType, ValueType.SequenceType, ValueType.OptionalType, ValueType.MapType {

    /**
     * A tensor type.
     *
     * @param elementType the element type, never null
     * @param shape       the shape, possibly symbolic; null when even the rank is unknown
     */
    record TensorType(DType elementType, Shape shape) implements ValueType {
        public TensorType {
            java.util.Objects.requireNonNull(elementType, "elementType");
        }

        @Override
        public String toString() {
            return elementType.typeName() + (shape == null ? "[*]" : shape.toString());
        }
    }

    /** A sequence of values of one type. */
    record SequenceType(ValueType elementType) implements ValueType {
        @Override
        public String toString() {
            return "seq(" + elementType + ")";
        }
    }

    /** An optional value of one type. */
    record OptionalType(ValueType elementType) implements ValueType {
        @Override
        public String toString() {
            return "optional(" + elementType + ")";
        }
    }

    /** A map from an integer or string key type to values of one type. */
    record MapType(DType keyType, ValueType valueType) implements ValueType {
        @Override
        public String toString() {
            return "map(" + keyType + "," + valueType + ")";
        }
    }

    static TensorType tensor(DType elementType, Shape shape) {
        return new TensorType(elementType, shape);
    }

    static TensorType tensor(DType elementType, long... dims) {
        return new TensorType(elementType, Shape.of(dims));
    }
}
