package dev.kiln.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor: element type, concrete shape and its elements, held in a Java array on the host (see
 * {@link DType.Storage}) or in backend {@link DeviceMemory}.
 *
 * <p>Ownership and mutability: the {@code of*} factories copy their arguments; {@link #wrap} takes the
 * array as is. A tensor handed to a caller is treated as immutable: the raw accessors such as
 * {@link #floatData()} return the backing array for speed, and only the code that allocated the tensor
 * (a kernel filling its output) may write to it. Tensors are safe to read from many threads.
 */
public final class Tensor implements RuntimeValue {
    private final DType dtype;
    private final Shape shape;
    private final Object data;
    private final DeviceMemory device;

    private Tensor(DType dtype, Shape shape, Object data, DeviceMemory device) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.device = device;
    }

    // ---- factories -------------------------------------------------------------------------------

    /**
     * Wraps a host array without copying. The array's kind must match {@code dtype.storage()} and its
     * length must be the shape's element count (times 2 for complex types).
     */
    public static Tensor wrap(DType dtype, Shape shape, Object array) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(array, "array");
        if (!shape.isConcrete()) {
            throw new IllegalArgumentException("a tensor needs a concrete shape, got " + shape);
        }
        long expected = Math.multiplyExact(shape.elementCount(), (long) dtype.slotsPerElement());
        int length = arrayLength(dtype, array);
        if (length != expected) {
            throw new IllegalArgumentException(dtype + shape.toString() + " needs " + expected + " array slots, got " + length);
        }
        return new Tensor(dtype, shape, array, null);
    }

    /** A tensor living in backend memory; it has no host array. */
    public static Tensor onDevice(DType dtype, Shape shape, DeviceMemory memory) {
        if (!shape.isConcrete()) {
            throw new IllegalArgumentException("a tensor needs a concrete shape, got " + shape);
        }
        return new Tensor(dtype, shape, null, Objects.requireNonNull(memory, "memory"));
    }

    /** A zero-filled (false, empty-string) host tensor. */
    public static Tensor zeros(DType dtype, Shape shape) {
        long n = Math.multiplyExact(shape.elementCount(), (long) dtype.slotsPerElement());
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(dtype + shape.toString() + " has too many elements for one host array");
        }
        return new Tensor(dtype, shape, newArray(dtype.storage(), (int) n), null);
    }

    public static Tensor zeros(DType dtype, long... dims) {
        return zeros(dtype, Shape.of(dims));
    }

    public static Tensor of(float[] values, long... dims) {
        return wrap(DType.FLOAT, Shape.of(dims), values.clone());
    }

    public static Tensor of(double[] values, long... dims) {
        return wrap(DType.DOUBLE, Shape.of(dims), values.clone());
    }

    public static Tensor of(long[] values, long... dims) {
        return wrap(DType.INT64, Shape.of(dims), values.clone());
    }

    public static Tensor of(int[] values, long... dims) {
        return wrap(DType.INT32, Shape.of(dims), values.clone());
    }

    public static Tensor of(boolean[] values, long... dims) {
        return wrap(DType.BOOL, Shape.of(dims), values.clone());
    }

    public static Tensor of(String[] values, long... dims) {
        return wrap(DType.STRING, Shape.of(dims), values.clone());
    }

    /** A copy of an array whose storage kind fits {@code dtype} (e.g. {@code byte[]} for UINT8). */
    public static Tensor of(DType dtype, Object array, long... dims) {
        return wrap(dtype, Shape.of(dims), copyArray(array));
    }

    public static Tensor scalar(float v) {
        return wrap(DType.FLOAT, Shape.scalar(), new float[] {v});
    }

    public static Tensor scalar(double v) {
        return wrap(DType.DOUBLE, Shape.scalar(), new double[] {v});
    }

    public static Tensor scalar(long v) {
        return wrap(DType.INT64, Shape.scalar(), new long[] {v});
    }

    public static Tensor scalar(int v) {
        return wrap(DType.INT32, Shape.scalar(), new int[] {v});
    }

    public static Tensor scalar(boolean v) {
        return wrap(DType.BOOL, Shape.scalar(), new boolean[] {v});
    }

    public static Tensor scalar(String v) {
        return wrap(DType.STRING, Shape.scalar(), new String[] {v});
    }

    /** Reads {@code shape.elementCount()} floats from the buffer's position; the buffer is not modified. */
    public static Tensor fromBuffer(FloatBuffer buffer, long... dims) {
        Shape s = Shape.of(dims);
        float[] a = new float[Math.toIntExact(s.elementCount())];
        buffer.duplicate().get(a);
        return wrap(DType.FLOAT, s, a);
    }

    public static Tensor fromBuffer(DoubleBuffer buffer, long... dims) {
        Shape s = Shape.of(dims);
        double[] a = new double[Math.toIntExact(s.elementCount())];
        buffer.duplicate().get(a);
        return wrap(DType.DOUBLE, s, a);
    }

    public static Tensor fromBuffer(LongBuffer buffer, long... dims) {
        Shape s = Shape.of(dims);
        long[] a = new long[Math.toIntExact(s.elementCount())];
        buffer.duplicate().get(a);
        return wrap(DType.INT64, s, a);
    }

    public static Tensor fromBuffer(IntBuffer buffer, long... dims) {
        Shape s = Shape.of(dims);
        int[] a = new int[Math.toIntExact(s.elementCount())];
        buffer.duplicate().get(a);
        return wrap(DType.INT32, s, a);
    }

    /**
     * Decodes little-endian element bytes (as in ONNX {@code raw_data}) for any fixed-size type whose
     * elements take whole bytes; 4-bit and 2-bit types must already be unpacked one per byte.
     */
    public static Tensor fromBytes(DType dtype, Shape shape, ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(Math.multiplyExact(shape.elementCount(), (long) dtype.slotsPerElement()));
        Object a;
        switch (dtype.storage()) {
            case FLOAT -> { float[] x = new float[n]; b.asFloatBuffer().get(x); a = x; }
            case DOUBLE -> { double[] x = new double[n]; b.asDoubleBuffer().get(x); a = x; }
            case LONG -> { long[] x = new long[n]; b.asLongBuffer().get(x); a = x; }
            case INT -> { int[] x = new int[n]; b.asIntBuffer().get(x); a = x; }
            case SHORT -> { short[] x = new short[n]; b.asShortBuffer().get(x); a = x; }
            case BYTE -> { byte[] x = new byte[n]; b.get(x); a = x; }
            case BOOLEAN -> { boolean[] x = new boolean[n]; for (int i = 0; i < n; i++) { x[i] = b.get() != 0; } a = x; }
            default -> throw new IllegalArgumentException("strings have no fixed-size byte form");
        }
        return wrap(dtype, shape, a);
    }

    // ---- metadata --------------------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** Dimensions as a fresh array. */
    public long[] dims() {
        return shape.dims();
    }

    public long dim(int i) {
        return shape.dim(i);
    }

    public long elementCount() {
        return shape.elementCount();
    }

    /** Element count as an int (host tensors always fit). */
    public int size() {
        return (int) shape.elementCount();
    }

    public boolean isHost() {
        return device == null;
    }

    /** The backend memory behind a device tensor, or null for a host tensor. */
    public DeviceMemory deviceMemory() {
        return device;
    }

    // ---- raw host arrays (no copy) ---------------------------------------------------------------

    /** The backing host array; its kind is {@code dtype().storage()}. */
    public Object data() {
        requireHost();
        return data;
    }

    public float[] floatData() {
        return (float[]) storage(DType.Storage.FLOAT);
    }

    public double[] doubleData() {
        return (double[]) storage(DType.Storage.DOUBLE);
    }

    public long[] longData() {
        return (long[]) storage(DType.Storage.LONG);
    }

    public int[] intData() {
        return (int[]) storage(DType.Storage.INT);
    }

    public short[] shortData() {
        return (short[]) storage(DType.Storage.SHORT);
    }

    public byte[] byteData() {
        return (byte[]) storage(DType.Storage.BYTE);
    }

    public boolean[] booleanData() {
        return (boolean[]) storage(DType.Storage.BOOLEAN);
    }

    public String[] stringData() {
        return (String[]) storage(DType.Storage.STRING);
    }

    // ---- converting element access ---------------------------------------------------------------

    /**
     * Element {@code i} (row-major) converted to double. Unsigned types read as unsigned; narrow floats
     * are decoded; bool is 0 or 1. Not for strings or complex types.
     */
    public double getDouble(int i) {
        requireHost();
        return switch (dtype) {
            case FLOAT -> ((float[]) data)[i];
            case DOUBLE -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case UINT64 -> unsignedLongToDouble(((long[]) data)[i]);
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
            case INT16 -> ((short[]) data)[i];
            case UINT16 -> ((short[]) data)[i] & 0xFFFF;
            case FLOAT16 -> FloatFormats.halfToFloat(((short[]) data)[i]);
            case BFLOAT16 -> FloatFormats.bfloat16ToFloat(((short[]) data)[i]);
            case INT8, INT4, INT2 -> ((byte[]) data)[i];
            case UINT8, UINT4, UINT2 -> ((byte[]) data)[i] & 0xFF;
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 ->
                    FloatFormats.minifloatToFloat(dtype, ((byte[]) data)[i]);
            default -> throw new UnsupportedOperationException("getDouble on a " + dtype + " tensor");
        };
    }

    public float getFloat(int i) {
        return dtype == DType.FLOAT ? ((float[]) storage(DType.Storage.FLOAT))[i] : (float) getDouble(i);
    }

    /** Element {@code i} as a long: integers exactly (uint64 as its bit pattern), floats truncated toward zero. */
    public long getLong(int i) {
        requireHost();
        return switch (dtype) {
            case INT64, UINT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
            case INT16 -> ((short[]) data)[i];
            case UINT16 -> ((short[]) data)[i] & 0xFFFF;
            case INT8, INT4, INT2 -> ((byte[]) data)[i];
            case UINT8, UINT4, UINT2 -> ((byte[]) data)[i] & 0xFF;
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            default -> (long) getDouble(i);
        };
    }

    public boolean getBoolean(int i) {
        return dtype == DType.BOOL ? ((boolean[]) storage(DType.Storage.BOOLEAN))[i] : getDouble(i) != 0;
    }

    public String getString(int i) {
        return ((String[]) storage(DType.Storage.STRING))[i];
    }

    /** All elements converted to float (a fresh array). */
    public float[] toFloatArray() {
        if (dtype == DType.FLOAT) {
            return floatData().clone();
        }
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** All elements converted to double (a fresh array). */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** All elements as longs (a fresh array); floats truncate toward zero. */
    public long[] toLongArray() {
        if (dtype == DType.INT64) {
            return longData().clone();
        }
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** A tensor with the same elements viewed under another shape of equal element count (shares the array). */
    public Tensor reshape(Shape newShape) {
        if (newShape.elementCount() != shape.elementCount()) {
            throw new IllegalArgumentException("cannot view " + describe() + " as " + newShape);
        }
        return new Tensor(dtype, newShape, data, device);
    }

    /** A deep copy on the host. */
    public Tensor copy() {
        return new Tensor(dtype, shape, copyArray(data()), null);
    }

    /** True when both have the same type, shape and bit-identical elements (NaNs compare by bits). */
    public boolean contentEquals(Tensor other) {
        if (other == null || other.dtype != dtype || !other.shape.equals(shape)) {
            return false;
        }
        return switch (dtype.storage()) {
            case FLOAT -> Arrays.equals((float[]) data(), (float[]) other.data());
            case DOUBLE -> Arrays.equals((double[]) data(), (double[]) other.data());
            case LONG -> Arrays.equals((long[]) data(), (long[]) other.data());
            case INT -> Arrays.equals((int[]) data(), (int[]) other.data());
            case SHORT -> Arrays.equals((short[]) data(), (short[]) other.data());
            case BYTE -> Arrays.equals((byte[]) data(), (byte[]) other.data());
            case BOOLEAN -> Arrays.equals((boolean[]) data(), (boolean[]) other.data());
            case STRING -> Arrays.equals((String[]) data(), (String[]) other.data());
        };
    }

    @Override
    public String describe() {
        return dtype.typeName() + shape;
    }

    @Override
    public String toString() {
        if (!isHost()) {
            return "Tensor(" + describe() + " on " + device.device() + ")";
        }
        StringBuilder b = new StringBuilder("Tensor(").append(describe()).append(": ");
        int n = Math.min(size(), 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dtype == DType.STRING ? getString(i) : dtype.isComplex() ? "c" : String.valueOf(getDouble(i)));
        }
        return b.append(size() > n ? ", ...)" : ")").toString();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void requireHost() {
        if (device != null) {
            throw new IllegalStateException("tensor " + describe() + " lives on " + device.device() + "; copy it to the host first");
        }
    }

    private Object storage(DType.Storage kind) {
        requireHost();
        if (dtype.storage() != kind) {
            throw new IllegalStateException("tensor " + describe() + " is stored as " + dtype.storage() + ", not " + kind);
        }
        return data;
    }

    private static double unsignedLongToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    /**
     * A new zeroed array of the given storage kind and length. A length the Java heap cannot hold is an
     * {@link dev.kiln.api.ExecutionException} (a model may ask for any size; the failed allocation
     * leaves the heap usable), not an {@link OutOfMemoryError}.
     */
    public static Object newArray(DType.Storage kind, int length) {
        try {
            return allocate(kind, length);
        } catch (OutOfMemoryError e) {
            throw new dev.kiln.api.ExecutionException("cannot allocate a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " array of "
                    + length + " elements: the Java heap (-Xmx " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB) cannot hold it", e);
        }
    }

    private static Object allocate(DType.Storage kind, int length) {
        return switch (kind) {
            case FLOAT -> new float[length];
            case DOUBLE -> new double[length];
            case LONG -> new long[length];
            case INT -> new int[length];
            case SHORT -> new short[length];
            case BYTE -> new byte[length];
            case BOOLEAN -> new boolean[length];
            case STRING -> {
                String[] s = new String[length];
                Arrays.fill(s, "");
                yield s;
            }
        };
    }

    private static int arrayLength(DType dtype, Object array) {
        boolean ok = switch (dtype.storage()) {
            case FLOAT -> array instanceof float[];
            case DOUBLE -> array instanceof double[];
            case LONG -> array instanceof long[];
            case INT -> array instanceof int[];
            case SHORT -> array instanceof short[];
            case BYTE -> array instanceof byte[];
            case BOOLEAN -> array instanceof boolean[];
            case STRING -> array instanceof String[];
        };
        if (!ok) {
            throw new IllegalArgumentException(dtype + " is stored in a " + dtype.storage().name().toLowerCase() + "[] array, got "
                    + array.getClass().getSimpleName());
        }
        return java.lang.reflect.Array.getLength(array);
    }

    private static Object copyArray(Object a) {
        if (a instanceof float[] x) return x.clone();
        if (a instanceof double[] x) return x.clone();
        if (a instanceof long[] x) return x.clone();
        if (a instanceof int[] x) return x.clone();
        if (a instanceof short[] x) return x.clone();
        if (a instanceof byte[] x) return x.clone();
        if (a instanceof boolean[] x) return x.clone();
        if (a instanceof String[] x) return x.clone();
        throw new IllegalArgumentException("not a tensor storage array: " + a.getClass());
    }
}
