package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;

/**
 * Moves numeric tensors into one of two compute domains and back: {@code double[]} for floating types and
 * {@code long[]} for integers and bool (exact for int64; uint64 keeps its bit pattern). Kernels that do
 * arithmetic on rarely used types go through here so they are written once per domain, not per type.
 * Stateless and thread-safe.
 */
public final class NumericArrays {
    private NumericArrays() {
    }

    /** True when {@code t} computes in the long domain (integers and bool). */
    public static boolean integral(DType t) {
        return t.isInteger() || t == DType.BOOL;
    }

    /** True for the types these kernels do arithmetic on: real floats up to float8 decoding, integers and bool. */
    public static boolean numeric(DType t) {
        return t != DType.STRING && !t.isComplex();
    }

    /** The elements as doubles (a fresh array). */
    public static double[] doubles(Tensor t) {
        return t.toDoubleArray();
    }

    /** The elements as longs (a fresh array): integers exactly, uint64 as its bits, bool as 0/1. */
    public static long[] longs(Tensor t) {
        return t.toLongArray();
    }

    /** Writes {@code v} into {@code dst} (same element count), rounding to dst's type; float8 and float4 outputs are not handled. */
    public static void store(double[] v, Tensor dst) {
        int n = v.length;
        switch (dst.dtype()) {
            case FLOAT -> {
                float[] d = dst.floatData();
                for (int i = 0; i < n; i++) {
                    d[i] = (float) v[i];
                }
            }
            case DOUBLE -> System.arraycopy(v, 0, dst.doubleData(), 0, n);
            case FLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[i] = FloatFormats.floatToHalf((float) v[i]);
                }
            }
            case BFLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[i] = FloatFormats.floatToBfloat16((float) v[i]);
                }
            }
            case BOOL -> {
                boolean[] d = dst.booleanData();
                for (int i = 0; i < n; i++) {
                    d[i] = v[i] != 0;
                }
            }
            case UINT64 -> {
                long[] d = dst.longData();
                for (int i = 0; i < n; i++) {
                    d[i] = v[i] >= 0x1p63 ? (long) (v[i] - 0x1p63) ^ Long.MIN_VALUE : (long) v[i];
                }
            }
            default -> {
                if (!dst.dtype().isInteger()) {
                    throw new ExecutionException("arithmetic results cannot be stored as " + dst.dtype() + ": Kiln has no encoder for it");
                }
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = (long) v[i];
                }
                store(l, dst);
            }
        }
    }

    /** Writes {@code v} into {@code dst} (same element count), wrapping to dst's width like a C cast. */
    public static void store(long[] v, Tensor dst) {
        int n = v.length;
        switch (dst.dtype().storage()) {
            case LONG -> System.arraycopy(v, 0, dst.longData(), 0, n);
            case INT -> {
                int[] d = dst.intData();
                for (int i = 0; i < n; i++) {
                    d[i] = (int) v[i];
                }
            }
            case SHORT -> {
                if (dst.dtype().isFloatingPoint()) {
                    double[] f = new double[n];
                    for (int i = 0; i < n; i++) {
                        f[i] = v[i];
                    }
                    store(f, dst);
                    return;
                }
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[i] = (short) v[i];
                }
            }
            case BYTE -> {
                if (dst.dtype().isFloatingPoint()) {
                    throw new ExecutionException("arithmetic results cannot be stored as " + dst.dtype() + ": Kiln has no encoder for it");
                }
                byte[] d = dst.byteData();
                for (int i = 0; i < n; i++) {
                    d[i] = (byte) v[i];
                }
            }
            case BOOLEAN -> {
                boolean[] d = dst.booleanData();
                for (int i = 0; i < n; i++) {
                    d[i] = v[i] != 0;
                }
            }
            default -> {
                double[] f = new double[n];
                for (int i = 0; i < n; i++) {
                    f[i] = v[i];
                }
                store(f, dst);
            }
        }
    }

    /**
     * Sort keys that order the elements like their values: doubles for floating types (NaN sorts above
     * everything, -0 equals +0) and longs for the rest, with uint64 flipped so signed order is unsigned order.
     */
    public static Object orderKeys(Tensor t) {
        if (!integral(t.dtype())) {
            return t.toDoubleArray();
        }
        long[] k = t.toLongArray();
        if (t.dtype() == DType.UINT64) {
            for (int i = 0; i < k.length; i++) {
                k[i] ^= Long.MIN_VALUE;
            }
        }
        return k;
    }

    /** Compares key {@code i} with key {@code j} of an {@link #orderKeys} array. */
    public static int compare(Object keys, int i, int j) {
        if (keys instanceof double[] d) {
            double a = d[i];
            double b = d[j];
            return a < b ? -1 : a > b ? 1 : a == b ? 0 : Double.compare(a, b);
        }
        return Long.compare(((long[]) keys)[i], ((long[]) keys)[j]);
    }
}
