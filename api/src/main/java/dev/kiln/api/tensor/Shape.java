package dev.kiln.api.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable tensor shape whose dimensions are each known, symbolic (a name such as
 * {@code batch}) or unknown. Shapes of runtime tensors are always fully known.
 */
public final class Shape {
    /** Marker stored for a dimension whose size is not known. */
    public static final long UNKNOWN = -1;

    private static final Shape SCALAR = new Shape(new long[0], null);

    private final long[] dims;
    private final String[] symbols;

    private Shape(long[] dims, String[] symbols) {
        this.dims = dims;
        this.symbols = symbols;
    }

    /** A fully known shape; every dimension must be zero or positive. */
    public static Shape of(long... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("dimension " + i + " of " + Arrays.toString(dims) + " is negative");
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone(), null);
    }

    /** A fully known shape from int dimensions. */
    public static Shape of(int... dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return of(l);
    }

    public static Shape scalar() {
        return SCALAR;
    }

    /**
     * A shape that may hold symbolic or unknown dimensions: each element is a {@link Number} (a known
     * size), a {@link String} (a symbolic name) or {@code null} (unknown).
     */
    public static Shape symbolic(Object... dims) {
        long[] d = new long[dims.length];
        String[] s = new String[dims.length];
        boolean anySymbol = false;
        for (int i = 0; i < dims.length; i++) {
            Object o = dims[i];
            if (o instanceof Number n) {
                if (n.longValue() < 0) {
                    throw new IllegalArgumentException("dimension " + i + " is negative: " + n);
                }
                d[i] = n.longValue();
            } else if (o instanceof String str) {
                d[i] = UNKNOWN;
                s[i] = str;
                anySymbol = true;
            } else if (o == null) {
                d[i] = UNKNOWN;
            } else {
                throw new IllegalArgumentException("dimension " + i + " must be a Number, String or null, got " + o.getClass());
            }
        }
        return new Shape(d, anySymbol ? s : null);
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code i}, or {@link #UNKNOWN}. Negative {@code i} counts from the end. */
    public long dim(int i) {
        return dims[i < 0 ? i + dims.length : i];
    }

    /** The symbolic name of dimension {@code i}, or null when it has none. */
    public String symbol(int i) {
        return symbols == null ? null : symbols[i < 0 ? i + dims.length : i];
    }

    public boolean isKnown(int i) {
        return dims[i < 0 ? i + dims.length : i] != UNKNOWN;
    }

    /** True when every dimension has a known size. */
    public boolean isConcrete() {
        for (long d : dims) {
            if (d == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the dimensions; unknown ones are {@link #UNKNOWN}. */
    public long[] dims() {
        return dims.clone();
    }

    /** The dimensions as ints; throws when one does not fit or is unknown. */
    public int[] intDims() {
        int[] r = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException("dimension " + i + " of " + this + " is not a known int");
            }
            r[i] = (int) dims[i];
        }
        return r;
    }

    /** Number of elements; throws when a dimension is unknown or the count overflows a long. */
    public long elementCount() {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == UNKNOWN) {
                throw new IllegalStateException("shape " + this + " has an unknown dimension");
            }
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    /** Row-major strides in elements (for a concrete shape). */
    public long[] strides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** True when {@code other} could describe the same tensor: same rank and no known sizes that differ. */
    public boolean isCompatibleWith(Shape other) {
        if (other.rank() != rank()) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != UNKNOWN && other.dims[i] != UNKNOWN && dims[i] != other.dims[i]) {
                return false;
            }
        }
        return true;
    }

    public List<Object> toList() {
        List<Object> out = new ArrayList<>(dims.length);
        for (int i = 0; i < dims.length; i++) {
            out.add(dims[i] != UNKNOWN ? (Object) dims[i] : symbol(i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims) && Arrays.equals(symbols == null ? new String[dims.length] : symbols,
                s.symbols == null ? new String[s.dims.length] : s.symbols);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims) * 31 + (symbols == null ? 0 : Objects.hash((Object[]) symbols));
    }

    /** Renders as {@code [1,3,224,224]}, with symbolic names and {@code ?} for unknown sizes. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (dims[i] != UNKNOWN) {
                b.append(dims[i]);
            } else {
                String s = symbol(i);
                b.append(s != null ? s : "?");
            }
        }
        return b.append(']').toString();
    }
}
