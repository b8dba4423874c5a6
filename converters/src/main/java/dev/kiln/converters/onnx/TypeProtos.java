package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.converters.proto.OnnxProto.TensorShapeProto;
import dev.kiln.converters.proto.OnnxProto.TypeProto;

/**
 * Converts between ONNX {@code TypeProto} and Kiln's {@link ValueType}. A tensor type without a shape
 * has unknown rank (null shape); dimensions keep their size, their symbolic name or neither. Sparse
 * tensor types are read as dense tensor types, since Kiln densifies sparse data on import; dimension
 * and type denotations are not kept. Stateless.
 */
final class TypeProtos {
    private TypeProtos() {
    }

    /** The value type, or null when the proto sets no type at all. */
    static ValueType toValueType(TypeProto t, String what) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> tensor(t.getTensorType().getElemType(), t.getTensorType().hasShape()
                    ? shape(t.getTensorType().getShape(), what) : null, what);
            case SPARSE_TENSOR_TYPE -> tensor(t.getSparseTensorType().getElemType(), t.getSparseTensorType().hasShape()
                    ? shape(t.getSparseTensorType().getShape(), what) : null, what);
            case SEQUENCE_TYPE -> new ValueType.SequenceType(inner(t.getSequenceType().getElemType(), what));
            case OPTIONAL_TYPE -> new ValueType.OptionalType(inner(t.getOptionalType().getElemType(), what));
            case MAP_TYPE -> new ValueType.MapType(dtype(t.getMapType().getKeyType(), what + " (map key)"),
                    inner(t.getMapType().getValueType(), what));
            case VALUE_NOT_SET -> null;
        };
    }

    static TypeProto toProto(ValueType v) {
        TypeProto.Builder b = TypeProto.newBuilder();
        if (v instanceof ValueType.TensorType t) {
            TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder().setElemType(t.elementType().code());
            if (t.shape() != null) {
                tb.setShape(toProto(t.shape()));
            }
            b.setTensorType(tb);
        } else if (v instanceof ValueType.SequenceType s) {
            b.setSequenceType(TypeProto.Sequence.newBuilder().setElemType(innerProto(s.elementType())));
        } else if (v instanceof ValueType.OptionalType o) {
            b.setOptionalType(TypeProto.Optional.newBuilder().setElemType(innerProto(o.elementType())));
        } else if (v instanceof ValueType.MapType m) {
            b.setMapType(TypeProto.Map.newBuilder().setKeyType(m.keyType().code()).setValueType(innerProto(m.valueType())));
        }
        return b.build();
    }

    static TensorShapeProto toProto(Shape s) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (int i = 0; i < s.rank(); i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (s.isKnown(i)) {
                d.setDimValue(s.dim(i));
            } else if (s.symbol(i) != null) {
                d.setDimParam(s.symbol(i));
            }
            b.addDim(d);
        }
        return b.build();
    }

    static Shape shape(TensorShapeProto s, String what) {
        Object[] dims = new Object[s.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            switch (d.getValueCase()) {
                case DIM_VALUE -> {
                    // some exporters write -1 for "unknown"; anything below is nonsense
                    if (d.getDimValue() < -1) {
                        throw new ModelLoadException(what + ": dimension " + i + " is negative (" + d.getDimValue() + ")");
                    }
                    dims[i] = d.getDimValue() == -1 ? null : (Object) d.getDimValue();
                }
                case DIM_PARAM -> dims[i] = d.getDimParam().isEmpty() ? null : d.getDimParam();
                case VALUE_NOT_SET -> dims[i] = null;
            }
        }
        return Shape.symbolic(dims);
    }

    static DType dtype(int code, String what) {
        try {
            return DType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(what + ": unknown or undefined element type " + code, e);
        }
    }

    private static ValueType.TensorType tensor(int code, Shape shape, String what) {
        return new ValueType.TensorType(dtype(code, what), shape);
    }

    private static ValueType inner(TypeProto t, String what) {
        ValueType v = toValueType(t, what);
        if (v == null) {
            throw new ModelLoadException(what + ": a sequence, optional or map type lacks its element type");
        }
        return v;
    }

    private static TypeProto innerProto(ValueType v) {
        if (v == null) {
            throw new IllegalArgumentException("a sequence, optional or map type needs its element type");
        }
        return toProto(v);
    }
}
