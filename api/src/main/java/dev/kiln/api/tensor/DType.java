package dev.kiln.api.tensor;

/**
 * Element types of tensors: every ONNX {@code TensorProto.DataType}, with its wire code.
 *
 * <p>Each type names the Java array that holds its elements on the host ({@link Storage}). Narrow and
 * exotic types are stored one element per array slot: 4-bit and 2-bit types unpacked one per byte
 * (sign-extended for the signed ones), float16/bfloat16 as their raw bits in a {@code short[]},
 * float8 types as their raw bits in a {@code byte[]}, complex types as interleaved (re, im) pairs.
 */
public enum DType {
    FLOAT(1, "float32", Storage.FLOAT, 4, true),
    UINT8(2, "uint8", Storage.BYTE, 1, false),
    INT8(3, "int8", Storage.BYTE, 1, false),
    UINT16(4, "uint16", Storage.SHORT, 2, false),
    INT16(5, "int16", Storage.SHORT, 2, false),
    INT32(6, "int32", Storage.INT, 4, false),
    INT64(7, "int64", Storage.LONG, 8, false),
    STRING(8, "string", Storage.STRING, 0, false),
    BOOL(9, "bool", Storage.BOOLEAN, 1, false),
    FLOAT16(10, "float16", Storage.SHORT, 2, true),
    DOUBLE(11, "float64", Storage.DOUBLE, 8, true),
    UINT32(12, "uint32", Storage.INT, 4, false),
    UINT64(13, "uint64", Storage.LONG, 8, false),
    COMPLEX64(14, "complex64", Storage.FLOAT, 8, false),
    COMPLEX128(15, "complex128", Storage.DOUBLE, 16, false),
    BFLOAT16(16, "bfloat16", Storage.SHORT, 2, true),
    FLOAT8E4M3FN(17, "float8e4m3fn", Storage.BYTE, 1, true),
    FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", Storage.BYTE, 1, true),
    FLOAT8E5M2(19, "float8e5m2", Storage.BYTE, 1, true),
    FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", Storage.BYTE, 1, true),
    UINT4(21, "uint4", Storage.BYTE, 1, false),
    INT4(22, "int4", Storage.BYTE, 1, false),
    FLOAT4E2M1(23, "float4e2m1", Storage.BYTE, 1, true),
    FLOAT8E8M0(24, "float8e8m0", Storage.BYTE, 1, true),
    UINT2(25, "uint2", Storage.BYTE, 1, false),
    INT2(26, "int2", Storage.BYTE, 1, false);

    /** The Java array kind that holds a type's elements on the host. */
    public enum Storage {
        FLOAT, DOUBLE, BYTE, SHORT, INT, LONG, BOOLEAN, STRING
    }

    private static final DType[] BY_CODE = new DType[27];

    static {
        for (DType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String typeName;
    private final Storage storage;
    private final int byteSize;
    private final boolean floatingPoint;

    DType(int code, String typeName, Storage storage, int byteSize, boolean floatingPoint) {
        this.code = code;
        this.typeName = typeName;
        this.storage = storage;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** The ONNX {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** Short lower-case name used in messages, e.g. {@code float32}. */
    public String typeName() {
        return typeName;
    }

    public Storage storage() {
        return storage;
    }

    /**
     * Bytes one element takes in memory as Kiln holds it (0 for strings). Packed 4-bit and 2-bit types
     * report 1 because Kiln unpacks them.
     */
    public int byteSize() {
        return byteSize;
    }

    /** True for real floating-point types (float8 to float64); false for integers, bool, string, complex. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    public boolean isComplex() {
        return this == COMPLEX64 || this == COMPLEX128;
    }

    /** True for signed and unsigned integer types of any width (bool excluded). */
    public boolean isInteger() {
        return !floatingPoint && !isComplex() && this != BOOL && this != STRING;
    }

    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64 || this == UINT4 || this == UINT2;
    }

    /** Number of array slots one element takes in its storage array: 2 for complex, else 1. */
    public int slotsPerElement() {
        return isComplex() ? 2 : 1;
    }

    /** The type for an ONNX wire code; throws {@link IllegalArgumentException} naming an unknown code. */
    public static DType fromCode(int code) {
        if (code <= 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
            throw new IllegalArgumentException("unknown ONNX element type code " + code);
        }
        return BY_CODE[code];
    }

    @Override
    public String toString() {
        return typeName;
    }
}
