package dev.kiln.backend.cpu.kernels.tensor;

import java.util.Arrays;

/**
 * Element moves over any host storage array ({@code float[]}, {@code String[]}, ...), so that kernels
 * that only move elements are written once for every element type. Positions count array slots.
 * Stateless and thread-safe; callers must not write the same slots from two threads.
 */
public final class Elements {
    private Elements() {
    }

    /**
     * The work estimate to give {@link dev.kiln.backend.cpu.CpuExecution#parallelFor} for moving
     * {@code slots} slots: moving is ~16x cheaper than arithmetic per element, so copies only go parallel
     * when large enough to pay for waking the pool.
     */
    public static long copyCost(long slots) {
        return Math.max(1, slots >> 4);
    }

    /** Copies a contiguous run. */
    public static void copy(Object src, int srcPos, Object dst, int dstPos, int n) {
        System.arraycopy(src, srcPos, dst, dstPos, n);
    }

    /** {@code dst[dstPos + i*dstStride] = src[srcPos + i*srcStride]} for i in [0, n); strides may be 0 or negative. */
    public static void strided(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int n) {
        if (srcStride == 1 && dstStride == 1) {
            System.arraycopy(src, srcPos, dst, dstPos, n);
            return;
        }
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof short[] s) {
            short[] d = (short[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof boolean[] s) {
            boolean[] d = (boolean[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else {
            Object[] s = (Object[]) src;
            Object[] d = (Object[]) dst;
            for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        }
    }

    /**
     * Transposes a {@code rows x cols} tile: {@code dst[dstPos + i*dstStride + j] = src[srcPos + i + j*srcStride]}.
     * float32 gets a dedicated loop (the common case in attention and layout changes); other kinds go row by row.
     */
    public static void transposeTile(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int rows, int cols) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < rows; i++) {
                int o = dstPos + i * dstStride;
                int p = srcPos + i;
                for (int j = 0; j < cols; j++) {
                    d[o + j] = s[p + j * srcStride];
                }
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            strided(src, srcPos + i, srcStride, dst, dstPos + i * dstStride, 1, cols);
        }
    }

    /** {@code dst[dstPos + i] = src[base + offsets[from + i]]} for i in [0, to - from). */
    public static void gather(Object src, int base, int[] offsets, int from, int to, Object dst, int dstPos) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof short[] s) {
            short[] d = (short[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else if (src instanceof boolean[] s) {
            boolean[] d = (boolean[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        } else {
            Object[] s = (Object[]) src;
            Object[] d = (Object[]) dst;
            for (int i = from; i < to; i++) {
                d[dstPos++] = s[base + offsets[i]];
            }
        }
    }

    /** {@code dst[offsets[i]] = src[i]} for i in [0, n), in order (a later duplicate offset wins). */
    public static void scatter(Object src, int[] offsets, int n, Object dst) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof short[] s) {
            short[] d = (short[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else if (src instanceof boolean[] s) {
            boolean[] d = (boolean[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        } else {
            Object[] s = (Object[]) src;
            Object[] d = (Object[]) dst;
            for (int i = 0; i < n; i++) {
                d[offsets[i]] = s[i];
            }
        }
    }

    /** Fills {@code dst[from, to)} with the value at {@code value[valuePos]} (an array of the same kind). */
    public static void fill(Object dst, int from, int to, Object value, int valuePos) {
        if (from >= to) {
            return;
        }
        if (dst instanceof float[] d) {
            Arrays.fill(d, from, to, ((float[]) value)[valuePos]);
        } else if (dst instanceof int[] d) {
            Arrays.fill(d, from, to, ((int[]) value)[valuePos]);
        } else if (dst instanceof long[] d) {
            Arrays.fill(d, from, to, ((long[]) value)[valuePos]);
        } else if (dst instanceof double[] d) {
            Arrays.fill(d, from, to, ((double[]) value)[valuePos]);
        } else if (dst instanceof short[] d) {
            Arrays.fill(d, from, to, ((short[]) value)[valuePos]);
        } else if (dst instanceof byte[] d) {
            Arrays.fill(d, from, to, ((byte[]) value)[valuePos]);
        } else if (dst instanceof boolean[] d) {
            Arrays.fill(d, from, to, ((boolean[]) value)[valuePos]);
        } else {
            Arrays.fill((Object[]) dst, from, to, ((Object[]) value)[valuePos]);
        }
    }

    /** Fills {@code dst[from, to)} with copies of the run {@code value[valuePos, valuePos + period)}, repeated. */
    public static void fillPattern(Object dst, int from, int to, Object value, int valuePos, int period) {
        if (period == 1) {
            fill(dst, from, to, value, valuePos);
            return;
        }
        for (int at = from; at < to; at += period) {
            System.arraycopy(value, valuePos, dst, at, Math.min(period, to - at));
        }
    }

    /** True when slot {@code i} holds the type's zero (0, +-0.0, false, ""), the test NonZero and Compress use. */
    public static boolean isZero(Object array, int i) {
        if (array instanceof float[] a) {
            return a[i] == 0f;
        } else if (array instanceof int[] a) {
            return a[i] == 0;
        } else if (array instanceof long[] a) {
            return a[i] == 0L;
        } else if (array instanceof double[] a) {
            return a[i] == 0d;
        } else if (array instanceof short[] a) {
            return a[i] == 0;
        } else if (array instanceof byte[] a) {
            return a[i] == 0;
        } else if (array instanceof boolean[] a) {
            return !a[i];
        }
        return ((String[]) array)[i].isEmpty();
    }

    /** Slot {@code i} equals slot {@code j} bit for bit (strings by value). */
    public static boolean slotEquals(Object a, int i, Object b, int j) {
        if (a instanceof float[] x) {
            return Float.floatToIntBits(x[i]) == Float.floatToIntBits(((float[]) b)[j]);
        } else if (a instanceof int[] x) {
            return x[i] == ((int[]) b)[j];
        } else if (a instanceof long[] x) {
            return x[i] == ((long[]) b)[j];
        } else if (a instanceof double[] x) {
            return Double.doubleToLongBits(x[i]) == Double.doubleToLongBits(((double[]) b)[j]);
        } else if (a instanceof short[] x) {
            return x[i] == ((short[]) b)[j];
        } else if (a instanceof byte[] x) {
            return x[i] == ((byte[]) b)[j];
        } else if (a instanceof boolean[] x) {
            return x[i] == ((boolean[]) b)[j];
        }
        return ((Object[]) a)[i].equals(((Object[]) b)[j]);
    }
}
