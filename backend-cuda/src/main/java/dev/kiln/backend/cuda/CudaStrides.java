package dev.kiln.backend.cuda;

import dev.kiln.api.InvalidInputException;
import java.util.Arrays;

/**
 * The {@code Strides} struct of common.cuh: a logical shape walked in row-major order and, for up to three
 * operands, the element stride of each axis (0 along a broadcast axis). Immutable.
 */
public final class CudaStrides {
    /** The rank the kernels handle (KILN_MAX_RANK). */
    public static final int MAX_RANK = 8;

    private final long[] packed;

    private CudaStrides(long[] dims, long[][] strides) {
        if (dims.length > MAX_RANK) {
            throw new InvalidInputException("the cuda backend handles tensors of rank up to " + MAX_RANK + ", got rank " + dims.length);
        }
        packed = new long[1 + MAX_RANK * 4];
        packed[0] = dims.length;
        for (int d = 0; d < dims.length; d++) {
            packed[1 + d] = dims[d];
            for (int k = 0; k < strides.length; k++) {
                packed[1 + MAX_RANK * (k + 1) + d] = strides[k][d];
            }
        }
    }

    /** A walk over {@code dims} with the given per-operand strides (each of length dims.length). */
    public static CudaStrides of(long[] dims, long[]... strides) {
        for (long[] s : strides) {
            if (s.length != dims.length) {
                throw new IllegalArgumentException("strides of rank " + s.length + " for a shape of rank " + dims.length);
            }
        }
        if (strides.length > 3) {
            throw new IllegalArgumentException("at most 3 operands, got " + strides.length);
        }
        return new CudaStrides(dims.clone(), strides);
    }

    /** Row-major strides of a contiguous tensor of shape {@code dims}. */
    public static long[] contiguous(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= dims[d];
        }
        return s;
    }

    /**
     * Strides that read a contiguous tensor of shape {@code in} as if broadcast to {@code out} (numpy rules:
     * aligned at the right, size-1 axes repeat).
     */
    public static long[] broadcast(long[] in, long[] out) {
        long[] own = contiguous(in);
        long[] s = new long[out.length];
        int shift = out.length - in.length;
        for (int d = 0; d < in.length; d++) {
            s[d + shift] = in[d] == 1 && out[d + shift] != 1 ? 0 : own[d];
        }
        return s;
    }

    /** The numpy broadcast of shapes, or an error naming both. */
    public static long[] broadcastShape(String op, long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new InvalidInputException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (axis " + i + ": " + x + " vs " + y + ")");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    long[] packed() {
        return packed.clone();
    }

    @Override
    public String toString() {
        return "CudaStrides" + Arrays.toString(packed);
    }
}
