package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/** Reads index tensors (int32 or int64), resolving negative indices and rejecting out-of-range ones. Stateless. */
public final class Indices {
    private Indices() {
    }

    /** Every index of {@code t} resolved into {@code [0, bound)}; {@code what} names the input in the error. */
    public static int[] resolve(Tensor t, long bound, String what) {
        int n = t.size();
        int[] out = new int[n];
        if (t.dtype() == DType.INT64) {
            long[] v = t.longData();
            for (int i = 0; i < n; i++) {
                out[i] = resolve(v[i], bound, what);
            }
        } else if (t.dtype() == DType.INT32) {
            int[] v = t.intData();
            for (int i = 0; i < n; i++) {
                out[i] = resolve(v[i], bound, what);
            }
        } else {
            throw new InvalidInputException(what + ": expected an int32 or int64 tensor, got " + t.describe());
        }
        return out;
    }

    /** One index resolved into {@code [0, bound)}. */
    public static int resolve(long v, long bound, String what) {
        long r = v < 0 ? v + bound : v;
        if (r < 0 || r >= bound) {
            throw new InvalidInputException(what + ": index " + v + " is out of range [" + (-bound) + ", " + (bound - 1) + "]");
        }
        return (int) r;
    }

    /** Raw index values as longs (not resolved). */
    public static long[] raw(Tensor t, String what) {
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new InvalidInputException(what + ": expected an int32 or int64 tensor, got " + t.describe());
        }
        return t.toLongArray();
    }

    /** Element offsets turned into slot offsets for types with several slots per element (complex); the same array when 1. */
    public static int[] slotOffsets(int[] offsets, int slots) {
        if (slots == 1) {
            return offsets;
        }
        int[] out = new int[offsets.length * slots];
        for (int i = 0, k = 0; i < offsets.length; i++) {
            for (int s = 0; s < slots; s++) {
                out[k++] = offsets[i] * slots + s;
            }
        }
        return out;
    }
}
