package dev.kiln.api.tensor;

import java.util.Arrays;

/** Multidirectional (numpy-style) broadcasting of shapes, as ONNX defines it. Stateless. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The broadcast result of several concrete shapes; throws naming both shapes when they are incompatible. */
    public static long[] shape(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            int off = rank - s.length;
            for (int i = 0; i < s.length; i++) {
                long d = s[i];
                long o = out[off + i];
                if (o == 1) {
                    out[off + i] = d;
                } else if (d != 1 && d != o) {
                    throw new IllegalArgumentException("shapes " + describe(shapes) + " cannot be broadcast together (dimension "
                            + (off + i) + ": " + o + " vs " + d + ")");
                }
            }
        }
        return out;
    }

    public static Shape shape(Shape a, Shape b) {
        return Shape.of(shape(a.dims(), b.dims()));
    }

    /**
     * Strides to read a tensor of shape {@code in} as if it had shape {@code out} (rank of out at least
     * rank of in): broadcast dimensions get stride 0.
     */
    public static long[] stridesFor(long[] in, long[] out) {
        long[] st = new long[out.length];
        long acc = 1;
        int off = out.length - in.length;
        for (int i = in.length - 1; i >= 0; i--) {
            st[off + i] = in[i] == 1 && out[off + i] != 1 ? 0 : acc;
            acc *= in[i];
        }
        return st;
    }

    private static String describe(long[][] shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) {
            if (b.length() > 0) {
                b.append(" and ");
            }
            b.append(Arrays.toString(s));
        }
        return b.toString();
    }
}
