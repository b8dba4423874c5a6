package dev.kiln.converters.onnx;

import com.google.protobuf.ByteString;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.proto.OnnxProto.OptionalProto;
import dev.kiln.converters.proto.OnnxProto.SequenceProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between ONNX {@code TensorProto} (and the {@code SequenceProto}/{@code OptionalProto}
 * containers of test data) and Kiln's host values, for every element type.
 *
 * <p>Reading accepts elements in {@code raw_data} (little-endian, sub-byte types packed low bits first)
 * or in the typed field ONNX assigns to the type; the element count must agree with the dims, dims must
 * not be negative and the byte size must not overflow, else a {@link ModelLoadException} names the
 * tensor. Tensors whose data lives in an external file are refused here; the model reader resolves them
 * inside the model's folder. Writing uses {@code raw_data} for every type but strings, unless
 * {@link Encoding#TYPED} is asked for. Stateless and thread-safe; results are fresh objects.
 */
public final class TensorProtos {
    /** Where {@link #toProto(Tensor, String, Encoding)} puts the elements. */
    public enum Encoding {
        /** raw_data (string_data for strings): compact, what ONNX tools write for large tensors. */
        RAW,
        /** The typed field of the element type (float_data, int32_data, ...). */
        TYPED
    }

    private TensorProtos() {
    }

    /** The tensor a proto holds; external data is refused. */
    public static Tensor toTensor(TensorProto p) {
        return toTensor(p, LoadContext.defaults(), describe(p));
    }

    /** The proto for a host tensor, elements in raw_data. */
    public static TensorProto toProto(Tensor t, String name) {
        return toProto(t, name, Encoding.RAW);
    }

    public static TensorProto toProto(Tensor t, String name, Encoding encoding) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().code());
        for (long d : t.dims()) {
            b.addDims(d);
        }
        if (name != null && !name.isEmpty()) {
            b.setName(name);
        }
        if (encoding == Encoding.TYPED || t.dtype() == DType.STRING) {
            TypedFields.encode(t, b);
        } else {
            b.setRawData(ByteString.copyFrom(rawBytes(t)));
        }
        return b.build();
    }

    /**
     * The tensor sequence a proto holds. {@code elementType} is the expected element type (used when the
     * sequence is empty); null to take it from the first tensor.
     */
    public static TensorSequence toSequence(SequenceProto p, DType elementType) {
        String what = "sequence '" + p.getName() + "'";
        if (p.getSequenceValuesCount() + p.getMapValuesCount() + p.getOptionalValuesCount() + p.getSparseTensorValuesCount() > 0) {
            throw new ModelLoadException(what + ": only sequences of dense tensors are supported");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (TensorProto t : p.getTensorValuesList()) {
            tensors.add(toTensor(t, LoadContext.defaults(), what + " element " + tensors.size()));
        }
        DType type = elementType != null ? elementType : tensors.isEmpty() ? null : tensors.get(0).dtype();
        if (type == null) {
            throw new ModelLoadException(what + ": empty sequence of unknown element type");
        }
        try {
            return new TensorSequence(type, tensors);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(what + ": " + e.getMessage(), e);
        }
    }

    public static SequenceProto toProto(TensorSequence s, String name) {
        SequenceProto.Builder b = SequenceProto.newBuilder().setElemType(SequenceProto.DataType.TENSOR_VALUE);
        if (name != null && !name.isEmpty()) {
            b.setName(name);
        }
        s.tensors().forEach(t -> b.addTensorValues(toProto(t, "")));
        return b.build();
    }

    /**
     * The optional a proto holds. {@code elementType} is the type the optional holds (needed when it is
     * empty); null to derive it from the held value.
     */
    public static OptionalValue toOptional(OptionalProto p, ValueType elementType) {
        String what = "optional '" + p.getName() + "'";
        RuntimeValue held;
        if (p.hasTensorValue()) {
            held = toTensor(p.getTensorValue(), LoadContext.defaults(), what);
        } else if (p.hasSequenceValue()) {
            DType hint = elementType instanceof ValueType.SequenceType s && s.elementType() instanceof ValueType.TensorType t
                    ? t.elementType() : null;
            held = toSequence(p.getSequenceValue(), hint);
        } else if (p.hasMapValue() || p.hasOptionalValue() || p.hasSparseTensorValue()) {
            throw new ModelLoadException(what + ": only optionals of tensors and sequences are supported");
        } else {
            held = null;
        }
        ValueType type = elementType != null ? elementType : held == null ? null : typeOf(held);
        if (type == null) {
            throw new ModelLoadException(what + ": empty optional of unknown type");
        }
        return new OptionalValue(type, held);
    }

    public static OptionalProto toProto(OptionalValue o, String name) {
        OptionalProto.Builder b = OptionalProto.newBuilder();
        if (name != null && !name.isEmpty()) {
            b.setName(name);
        }
        if (o.value() instanceof Tensor t) {
            b.setElemType(OptionalProto.DataType.TENSOR_VALUE).setTensorValue(toProto(t, ""));
        } else if (o.value() instanceof TensorSequence s) {
            b.setElemType(OptionalProto.DataType.SEQUENCE_VALUE).setSequenceValue(toProto(s, ""));
        } else if (o.value() != null) {
            throw new IllegalArgumentException("an ONNX optional cannot hold " + o.value().describe());
        }
        return b.build();
    }

    // ---- package-private: used by the model reader with its load context ---------------------------

    static Tensor toTensor(TensorProto p, LoadContext ctx, String what) {
        DType dtype;
        try {
            dtype = DType.fromCode(p.getDataType());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(what + ": unknown or undefined data_type " + p.getDataType(), e);
        }
        if (p.hasSegment()) {
            throw new ModelLoadException(what + ": segmented tensors are not supported");
        }
        Shape shape = shapeOf(p, what);
        long count = shape.elementCount();
        long bytes = storedBytes(dtype, count, what);
        long slots = count * dtype.slotsPerElement();
        if (slots > Integer.MAX_VALUE - 8) {
            throw new ModelLoadException(what + ": " + count + " elements do not fit one host array");
        }
        ctx.charge(dtype == DType.STRING ? 0 : bytes, what);
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            if (dtype == DType.STRING) {
                throw new ModelLoadException(what + ": string tensors cannot use external data");
            }
            return fromRaw(ctx.external().read(p, what, bytes), dtype, shape, (int) count, what);
        }
        if (p.hasRawData()) {
            if (dtype == DType.STRING) {
                throw new ModelLoadException(what + ": string tensors must use string_data, not raw_data");
            }
            if (p.getRawData().size() != bytes) {
                throw new ModelLoadException(what + ": raw_data holds " + p.getRawData().size() + " bytes, but " + dtype
                        + shape + " needs " + bytes);
            }
            if (PackedBits.bitsPerElement(dtype) == 0) {
                // decode straight from the protobuf's bytes: a copy into a byte[] first is one more model-sized
                // garbage array at load time
                return Tensor.fromBytes(dtype, shape, p.getRawData().asReadOnlyByteBuffer());
            }
            return fromRaw(p.getRawData().toByteArray(), dtype, shape, (int) count, what);
        }
        return TypedFields.decode(p, dtype, shape, (int) slots, what);
    }

    /** The dims of a tensor proto as a shape; refuses negative dims and element counts that overflow. */
    static Shape shapeOf(TensorProto p, String what) {
        long[] dims = new long[p.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = p.getDims(i);
            if (dims[i] < 0) {
                throw new ModelLoadException(what + ": dimension " + i + " is negative (" + dims[i] + ")");
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw new ModelLoadException(what + ": the element count of dims " + p.getDimsList() + " overflows", e);
            }
        }
        return Shape.of(dims);
    }

    /** Bytes the elements take in raw_data; refuses sizes that overflow. */
    static long storedBytes(DType dtype, long count, String what) {
        if (PackedBits.bitsPerElement(dtype) > 0) {
            return PackedBits.packedLength(dtype, count);
        }
        try {
            return Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelLoadException(what + ": " + count + " elements of " + dtype + " overflow the byte size", e);
        }
    }

    static String describe(TensorProto p) {
        return "tensor '" + p.getName() + "'";
    }

    private static Tensor fromRaw(byte[] raw, DType dtype, Shape shape, int count, String what) {
        if (PackedBits.bitsPerElement(dtype) > 0) {
            return Tensor.wrap(dtype, shape, PackedBits.unpack(dtype, raw, count));
        }
        return Tensor.fromBytes(dtype, shape, ByteBuffer.wrap(raw));
    }

    /** The elements as raw_data bytes: little-endian, bool one byte each, sub-byte types packed. */
    static byte[] rawBytes(Tensor t) {
        DType d = t.dtype();
        if (PackedBits.bitsPerElement(d) > 0) {
            return PackedBits.pack(d, t.byteData());
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact((long) t.size() * d.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (d.storage()) {
            case FLOAT -> b.asFloatBuffer().put(t.floatData());
            case DOUBLE -> b.asDoubleBuffer().put(t.doubleData());
            case LONG -> b.asLongBuffer().put(t.longData());
            case INT -> b.asIntBuffer().put(t.intData());
            case SHORT -> b.asShortBuffer().put(t.shortData());
            case BYTE -> b.put(t.byteData());
            case BOOLEAN -> {
                for (boolean v : t.booleanData()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            default -> throw new IllegalArgumentException("strings have no raw form");
        }
        return b.array();
    }

    private static ValueType typeOf(RuntimeValue v) {
        if (v instanceof Tensor t) {
            return new ValueType.TensorType(t.dtype(), t.shape());
        }
        TensorSequence s = (TensorSequence) v;
        return new ValueType.SequenceType(new ValueType.TensorType(s.elementType(), null));
    }
}
