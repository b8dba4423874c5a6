package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** Reading and checking the small integer arguments (axes, shapes, pads) of data-movement and reduction kernels. Stateless. */
public final class Args {
    private Args() {
    }

    /** Normalizes an axis in {@code [-rank, rank-1]} to {@code [0, rank-1]}; {@code what} names its source in the error. */
    public static int axis(long axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw new InvalidInputException(what + ": expected an axis in [" + (-rank) + ", " + (rank - 1) + "] for rank " + rank
                    + ", got " + axis);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Normalizes every axis and rejects repeats. */
    public static int[] axes(long[] axes, int rank, String what) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[Math.max(rank, 0)];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank, what);
            if (seen[out[i]]) {
                throw new InvalidInputException(what + ": axis " + axes[i] + " is given twice");
            }
            seen[out[i]] = true;
        }
        return out;
    }

    /** The elements of an int32 or int64 tensor as longs; {@code what} names the input in the error. */
    public static long[] longs(Tensor t, String what) {
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new InvalidInputException(what + ": expected an int64 or int32 tensor, got " + t.describe());
        }
        return t.toLongArray();
    }

    /** Like {@link #longs} but requires a rank-1 (or scalar) tensor. */
    public static long[] vector(Tensor t, String what) {
        if (t.rank() > 1) {
            throw new InvalidInputException(what + ": expected a 1-D tensor, got " + t.describe());
        }
        return longs(t, what);
    }

    /** A scalar (or one-element) integer or floating input as a long. */
    public static long scalarLong(Tensor t, String what) {
        if (t.elementCount() != 1) {
            throw new InvalidInputException(what + ": expected a single value, got " + t.describe());
        }
        return t.getLong(0);
    }

    /**
     * An output shape a kernel computed from its inputs: every dimension non-negative and the element count
     * within a long, else an {@link InvalidInputException} naming {@code what} (the inputs it came from).
     */
    public static Shape outputShape(long[] dims, String what) {
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new InvalidInputException(what + ": the output shape " + java.util.Arrays.toString(dims) + " has a negative dimension " + i);
            }
            if (dims[i] != 0 && count > Long.MAX_VALUE / dims[i]) {
                count = -1;
            } else if (count >= 0) {
                count *= dims[i];
            }
        }
        if (count < 0 && java.util.Arrays.stream(dims).noneMatch(d -> d == 0)) {
            throw new InvalidInputException(what + ": the output shape " + java.util.Arrays.toString(dims) + " has more than 2^63 elements");
        }
        return Shape.of(dims);
    }

    /** A non-negative size that must fit a host array index. */
    public static int size(long v, String what) {
        if (v < 0 || v > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(what + ": expected a size in [0, 2^31), got " + v);
        }
        return (int) v;
    }

    /** The dimensions of a host tensor as ints, with a trailing 2 for complex types (their (re, im) slot pair). */
    public static int[] slotDims(Tensor t) {
        int[] dims = t.shape().intDims();
        if (!t.dtype().isComplex()) {
            return dims;
        }
        int[] out = java.util.Arrays.copyOf(dims, dims.length + 1);
        out[dims.length] = 2;
        return out;
    }

    /** Product of {@code dims[from, to)}. */
    public static int product(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
            if (p > Integer.MAX_VALUE) {
                throw new InvalidInputException("dimensions " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(dims, from, to))
                        + " hold more than 2^31-1 elements, more than one host array can");
            }
        }
        return (int) p;
    }

    public static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** A string attribute that must take one of {@code allowed}; anything else is an unsupported-op error naming it. */
    public static String choice(KernelRequest request, String attr, String defaultValue, String... allowed) {
        Node node = request.node();
        String v = node.getString(attr, defaultValue);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UnsupportedOpException(node.opType(), node.domain(), request.opsetVersion(),
                "attribute '" + attr + "' must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    /** An unsupported-op error for this request naming the reason. */
    public static UnsupportedOpException unsupported(KernelRequest request, String detail) {
        Node node = request.node();
        return new UnsupportedOpException(node.opType(), node.domain(), request.opsetVersion(), detail);
    }
}
