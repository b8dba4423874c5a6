package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Moves tensor elements between Kiln's host arrays and TensorProto's typed fields (float_data,
 * int32_data, string_data, int64_data, double_data, uint64_data), following which field ONNX assigns
 * to each element type. Stateless.
 */
final class TypedFields {
    private TypedFields() {
    }

    /** Decodes the typed field of {@code dtype}; {@code slots} is the array length the dims require. */
    static Tensor decode(TensorProto p, DType dtype, Shape shape, int slots, String what) {
        Object array = switch (dtype) {
            case FLOAT, COMPLEX64 -> toFloats(check(p.getFloatDataList(), slots, "float_data", what));
            case DOUBLE, COMPLEX128 -> toDoubles(check(p.getDoubleDataList(), slots, "double_data", what));
            case INT64 -> toLongs(check(p.getInt64DataList(), slots, "int64_data", what));
            case UINT64 -> toLongs(check(p.getUint64DataList(), slots, "uint64_data", what));
            case UINT32 -> toUint32(check(p.getUint64DataList(), slots, "uint64_data", what), what);
            case INT32 -> toInts(check(p.getInt32DataList(), slots, "int32_data", what));
            case INT16, UINT16, FLOAT16, BFLOAT16 -> toShorts(check(p.getInt32DataList(), slots, "int32_data", what));
            case BOOL -> toBooleans(check(p.getInt32DataList(), slots, "int32_data", what));
            case INT4, UINT4, FLOAT4E2M1, INT2, UINT2 -> PackedBits.unpack(dtype,
                    toBytes(check(p.getInt32DataList(), (int) PackedBits.packedLength(dtype, slots), "int32_data", what)), slots);
            case STRING -> toStrings(check(p.getStringDataList(), slots, "string_data", what));
            default -> toBytes(check(p.getInt32DataList(), slots, "int32_data", what));
        };
        return Tensor.wrap(dtype, shape, array);
    }

    /** Writes the tensor's elements into the typed field ONNX assigns to its type. */
    static void encode(Tensor t, TensorProto.Builder b) {
        Object data = t.data();
        switch (t.dtype()) {
            case FLOAT, COMPLEX64 -> {
                for (float v : (float[]) data) {
                    b.addFloatData(v);
                }
            }
            case DOUBLE, COMPLEX128 -> {
                for (double v : (double[]) data) {
                    b.addDoubleData(v);
                }
            }
            case INT64 -> {
                for (long v : (long[]) data) {
                    b.addInt64Data(v);
                }
            }
            case UINT64 -> {
                for (long v : (long[]) data) {
                    b.addUint64Data(v);
                }
            }
            case UINT32 -> {
                for (int v : (int[]) data) {
                    b.addUint64Data(Integer.toUnsignedLong(v));
                }
            }
            case INT32 -> {
                for (int v : (int[]) data) {
                    b.addInt32Data(v);
                }
            }
            // 16-bit floats and unsigned ints go as their unsigned bit pattern, int16 sign-extended
            case INT16 -> {
                for (short v : (short[]) data) {
                    b.addInt32Data(v);
                }
            }
            case UINT16, FLOAT16, BFLOAT16 -> {
                for (short v : (short[]) data) {
                    b.addInt32Data(v & 0xFFFF);
                }
            }
            case BOOL -> {
                for (boolean v : (boolean[]) data) {
                    b.addInt32Data(v ? 1 : 0);
                }
            }
            case INT4, UINT4, FLOAT4E2M1, INT2, UINT2 -> {
                for (byte v : PackedBits.pack(t.dtype(), (byte[]) data)) {
                    b.addInt32Data(v & 0xFF);
                }
            }
            case INT8 -> {
                for (byte v : (byte[]) data) {
                    b.addInt32Data(v);
                }
            }
            case STRING -> {
                for (String v : (String[]) data) {
                    b.addStringData(com.google.protobuf.ByteString.copyFromUtf8(v));
                }
            }
            default -> {
                for (byte v : (byte[]) data) {
                    b.addInt32Data(v & 0xFF);
                }
            }
        }
    }

    private static <T> List<T> check(List<T> values, int expected, String field, String what) {
        if (values.size() != expected) {
            throw new ModelLoadException(what + ": " + field + " holds " + values.size() + " values, but the tensor's dims need " + expected);
        }
        return values;
    }

    private static float[] toFloats(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static double[] toDoubles(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static long[] toLongs(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static int[] toUint32(List<Long> l, String what) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            long v = l.get(i);
            if ((v >>> 32) != 0) {
                throw new ModelLoadException(what + ": uint32 element " + i + " is out of range: " + Long.toUnsignedString(v));
            }
            a[i] = (int) v;
        }
        return a;
    }

    private static int[] toInts(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static short[] toShorts(List<Integer> l) {
        short[] a = new short[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (short) (int) l.get(i);
        }
        return a;
    }

    private static byte[] toBytes(List<Integer> l) {
        byte[] a = new byte[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (int) l.get(i);
        }
        return a;
    }

    private static boolean[] toBooleans(List<Integer> l) {
        boolean[] a = new boolean[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i) != 0;
        }
        return a;
    }

    private static String[] toStrings(List<com.google.protobuf.ByteString> l) {
        String[] a = new String[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i).toString(StandardCharsets.UTF_8);
        }
        return a;
    }
}
