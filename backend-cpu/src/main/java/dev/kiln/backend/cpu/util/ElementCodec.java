package dev.kiln.backend.cpu.util;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;

/**
 * Block conversions between a tensor's stored elements and the three compute domains elementwise
 * kernels work in: {@code float[]} (float32, and float16/bfloat16 widened), {@code double[]} and
 * {@code long[]} (integers exactly: unsigned types zero-extended, uint64 as its two's complement bits,
 * bool as 0/1). Kernels convert blocks of at most {@link #BLOCK} elements into scratch arrays, compute,
 * and convert back, so rarely used types share the float32, float64 and int64 loops.
 *
 * <p>Positions are element indices of the tensor. Writers round or wrap to the destination type: floats
 * round to nearest even, integers keep their low bits like a C cast (4-bit and 2-bit types sign-extended
 * when signed), bool is {@code != 0}. Float8 and float4 targets are not written here: encoding them
 * needs the Cast rules. Stateless and thread-safe.
 */
public final class ElementCodec {
    /** Elements per scratch block: large enough to amortize the per-block dispatch, small enough for L1. */
    public static final int BLOCK = 1024;

    private ElementCodec() {
    }

    /** Reads {@code n} elements of {@code src} from {@code from} as floats; any real or integer type or bool. */
    public static void toFloat(Tensor src, int from, float[] dst, int dstPos, int n) {
        switch (src.dtype()) {
            case FLOAT -> System.arraycopy(src.floatData(), from, dst, dstPos, n);
            case FLOAT16 -> HalfFloats.toFloat(src.shortData(), from, dst, dstPos, n);
            case BFLOAT16 -> {
                short[] s = src.shortData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = Float.intBitsToFloat((s[from + i] & 0xFFFF) << 16);
                }
            }
            case DOUBLE -> {
                double[] s = src.doubleData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = (float) s[from + i];
                }
            }
            case INT32 -> {
                int[] s = src.intData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i];
                }
            }
            case INT64 -> {
                long[] s = src.longData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = (float) src.getDouble(from + i);
                }
            }
        }
    }

    /** Writes {@code n} floats into a float32, float16, bfloat16 or float64 tensor from element {@code to}. */
    public static void fromFloat(float[] src, int srcPos, Tensor dst, int to, int n) {
        switch (dst.dtype()) {
            case FLOAT -> System.arraycopy(src, srcPos, dst.floatData(), to, n);
            case FLOAT16 -> HalfFloats.fromFloat(src, srcPos, dst.shortData(), to, n);
            case BFLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = FloatFormats.floatToBfloat16(src[srcPos + i]);
                }
            }
            case DOUBLE -> {
                double[] d = dst.doubleData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = src[srcPos + i];
                }
            }
            default -> throw new IllegalArgumentException("float results cannot be written to a " + dst.dtype() + " tensor here");
        }
    }

    /** Reads {@code n} elements as doubles; any real or integer type or bool (uint64 read as unsigned). */
    public static void toDouble(Tensor src, int from, double[] dst, int dstPos, int n) {
        if (src.dtype() == DType.DOUBLE) {
            System.arraycopy(src.doubleData(), from, dst, dstPos, n);
            return;
        }
        if (src.dtype() == DType.FLOAT) {
            float[] s = src.floatData();
            for (int i = 0; i < n; i++) {
                dst[dstPos + i] = s[from + i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            dst[dstPos + i] = src.getDouble(from + i);
        }
    }

    /** Writes {@code n} doubles into a real floating tensor (float32, float64, float16, bfloat16), rounding to nearest even. */
    public static void fromDouble(double[] src, int srcPos, Tensor dst, int to, int n) {
        switch (dst.dtype()) {
            case DOUBLE -> System.arraycopy(src, srcPos, dst.doubleData(), to, n);
            case FLOAT -> {
                float[] d = dst.floatData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = (float) src[srcPos + i];
                }
            }
            case FLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = HalfFloats.fromFloat((float) src[srcPos + i]);
                }
            }
            case BFLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = FloatFormats.floatToBfloat16((float) src[srcPos + i]);
                }
            }
            default -> throw new IllegalArgumentException("double results cannot be written to a " + dst.dtype() + " tensor here");
        }
    }

    /**
     * Reads {@code n} elements as longs: integers exactly (unsigned zero-extended, uint64 as its bits),
     * bool as 0/1, floating values truncated toward zero.
     */
    public static void toLong(Tensor src, int from, long[] dst, int dstPos, int n) {
        switch (src.dtype()) {
            case INT64, UINT64 -> System.arraycopy(src.longData(), from, dst, dstPos, n);
            case INT32 -> {
                int[] s = src.intData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i];
                }
            }
            case UINT32 -> {
                int[] s = src.intData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i] & 0xFFFFFFFFL;
                }
            }
            case INT16 -> {
                short[] s = src.shortData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i];
                }
            }
            case UINT16 -> {
                short[] s = src.shortData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i] & 0xFFFF;
                }
            }
            case INT8, INT4, INT2 -> {
                byte[] s = src.byteData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i];
                }
            }
            case UINT8, UINT4, UINT2 -> {
                byte[] s = src.byteData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i] & 0xFF;
                }
            }
            case BOOL -> {
                boolean[] s = src.booleanData();
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = s[from + i] ? 1 : 0;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dst[dstPos + i] = (long) src.getDouble(from + i);
                }
            }
        }
    }

    /** Writes {@code n} longs into an integer or bool tensor, keeping the low bits of each (see {@link #wrap}). */
    public static void fromLong(long[] src, int srcPos, Tensor dst, int to, int n) {
        DType t = dst.dtype();
        switch (t.storage()) {
            case LONG -> System.arraycopy(src, srcPos, dst.longData(), to, n);
            case INT -> {
                int[] d = dst.intData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = (int) src[srcPos + i];
                }
            }
            case SHORT -> {
                if (t.isFloatingPoint()) {
                    throw new IllegalArgumentException("integer results cannot be written to a " + t + " tensor here");
                }
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = (short) src[srcPos + i];
                }
            }
            case BYTE -> {
                if (t.isFloatingPoint()) {
                    throw new IllegalArgumentException("integer results cannot be written to a " + t + " tensor here");
                }
                byte[] d = dst.byteData();
                if (t == DType.INT8 || t == DType.UINT8) {
                    for (int i = 0; i < n; i++) {
                        d[to + i] = (byte) src[srcPos + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        d[to + i] = (byte) wrap(src[srcPos + i], t);
                    }
                }
            }
            case BOOLEAN -> {
                boolean[] d = dst.booleanData();
                for (int i = 0; i < n; i++) {
                    d[to + i] = src[srcPos + i] != 0;
                }
            }
            default -> throw new IllegalArgumentException("integer results cannot be written to a " + t + " tensor here");
        }
    }

    /**
     * The value an integer type keeps of {@code v}: its low bits, sign-extended for signed types and
     * zero-extended for unsigned ones (uint64 returns the bits unchanged). Bool gives 0 or 1.
     */
    public static long wrap(long v, DType t) {
        return switch (t) {
            case INT64, UINT64 -> v;
            case INT32 -> (int) v;
            case UINT32 -> v & 0xFFFFFFFFL;
            case INT16 -> (short) v;
            case UINT16 -> v & 0xFFFF;
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xFF;
            case INT4 -> (v << 60) >> 60;
            case UINT4 -> v & 0xF;
            case INT2 -> (v << 62) >> 62;
            case UINT2 -> v & 0x3;
            case BOOL -> v != 0 ? 1 : 0;
            default -> throw new IllegalArgumentException(t + " is not an integer type");
        };
    }
}
