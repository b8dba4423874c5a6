package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;

/**
 * Working arrays for kernels that compute in float or double whatever the element type: float32 and
 * float64 tensors are read without copying (the arrays must not be written), narrower types are decoded
 * into fresh arrays, and results are encoded back into an output tensor. Stateless and thread-safe.
 */
public final class TensorArrays {
    private TensorArrays() {
    }

    /** The elements as floats: float32's own array (read-only), otherwise a decoded copy. */
    public static float[] floats(Tensor t) {
        if (t.dtype() == DType.FLOAT) {
            return t.floatData();
        }
        if (t.dtype() == DType.FLOAT16) {
            short[] s = t.shortData();
            float[] out = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = FloatFormats.halfToFloat(s[i]);
            }
            return out;
        }
        return t.toFloatArray();
    }

    /** The elements as doubles: float64's own array (read-only), otherwise a converted copy. */
    public static double[] doubles(Tensor t) {
        if (t.dtype() == DType.DOUBLE) {
            return t.doubleData();
        }
        if (t.dtype() == DType.FLOAT) {
            float[] f = t.floatData();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
        return t.toDoubleArray();
    }

    /** True for the element types these kernels compute in float: float32, float16, bfloat16. */
    public static boolean computesInFloat(DType t) {
        return t == DType.FLOAT || t == DType.FLOAT16 || t == DType.BFLOAT16;
    }

    /** Writes {@code src} into {@code dst} (same element count), rounding to dst's element type. */
    public static void store(float[] src, Tensor dst) {
        switch (dst.dtype()) {
            case FLOAT -> {
                if (dst.floatData() != src) {
                    System.arraycopy(src, 0, dst.floatData(), 0, src.length);
                }
            }
            case FLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = FloatFormats.floatToHalf(src[i]);
                }
            }
            case BFLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = FloatFormats.floatToBfloat16(src[i]);
                }
            }
            case DOUBLE -> {
                double[] d = dst.doubleData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = src[i];
                }
            }
            default -> storeIntegers(i -> src[i], src.length, dst);
        }
    }

    /** Writes {@code src} into {@code dst} (same element count), rounding to dst's element type. */
    public static void store(double[] src, Tensor dst) {
        switch (dst.dtype()) {
            case DOUBLE -> {
                if (dst.doubleData() != src) {
                    System.arraycopy(src, 0, dst.doubleData(), 0, src.length);
                }
            }
            case FLOAT -> {
                float[] d = dst.floatData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = (float) src[i];
                }
            }
            case FLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = FloatFormats.floatToHalf((float) src[i]);
                }
            }
            case BFLOAT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = FloatFormats.floatToBfloat16((float) src[i]);
                }
            }
            default -> storeIntegers(i -> src[i], src.length, dst);
        }
    }

    /** Integer outputs of kernels that compute in floating point (max pooling of uint8): values are already whole. */
    private static void storeIntegers(java.util.function.IntToDoubleFunction src, int n, Tensor dst) {
        switch (dst.dtype()) {
            case INT8, UINT8 -> {
                byte[] d = dst.byteData();
                for (int i = 0; i < n; i++) {
                    d[i] = (byte) (long) src.applyAsDouble(i);
                }
            }
            case INT16, UINT16 -> {
                short[] d = dst.shortData();
                for (int i = 0; i < n; i++) {
                    d[i] = (short) (long) src.applyAsDouble(i);
                }
            }
            case INT32, UINT32 -> {
                int[] d = dst.intData();
                for (int i = 0; i < n; i++) {
                    d[i] = (int) (long) src.applyAsDouble(i);
                }
            }
            case INT64 -> {
                long[] d = dst.longData();
                for (int i = 0; i < n; i++) {
                    d[i] = (long) src.applyAsDouble(i);
                }
            }
            default -> throw new IllegalArgumentException("cannot store floating-point results into a " + dst.dtype() + " tensor");
        }
    }
}
