package dev.kiln.runtime.session;

import dev.kiln.api.Internal;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;

/**
 * Finds NaN and infinite elements in floating-point values, for {@link SessionOptions#checkNonFinite()} and the
 * trainer's non-finite guard. Stateless; thread-safe.
 */
@Internal
public final class NonFiniteCheck {
    private NonFiniteCheck() {
    }

    /**
     * A description of the first non-finite element in row-major order ("NaN at index [0,3] (element 3)"),
     * or null when there is none or the value is not floating point or not on the host.
     */
    public static String firstNonFinite(RuntimeValue v) {
        if (v instanceof Tensor t) {
            return inTensor(t);
        }
        if (v instanceof TensorSequence s) {
            for (int i = 0; i < s.size(); i++) {
                String found = inTensor(s.get(i));
                if (found != null) {
                    return "sequence item " + i + ": " + found;
                }
            }
        }
        if (v instanceof OptionalValue o && o.value() != null) {
            return firstNonFinite(o.value());
        }
        return null;
    }

    private static String inTensor(Tensor t) {
        if (!t.dtype().isFloatingPoint() || !t.isHost()) {
            return null;
        }
        int n = t.size();
        if (t.data() instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(f[i])) {
                    return describe(t, i, f[i]);
                }
            }
            return null;
        }
        for (int i = 0; i < n; i++) {
            double d = t.getDouble(i);
            if (!Double.isFinite(d)) {
                return describe(t, i, d);
            }
        }
        return null;
    }

    private static String describe(Tensor t, int flat, double value) {
        String kind = Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        if (t.rank() == 0) {
            return kind + " (scalar)";
        }
        long[] index = new long[t.rank()];
        long rest = flat;
        for (int d = index.length - 1; d >= 0; d--) {
            index[d] = rest % t.dim(d);
            rest /= t.dim(d);
        }
        StringBuilder sb = new StringBuilder(kind).append(" at index [");
        for (int d = 0; d < index.length; d++) {
            sb.append(d == 0 ? "" : ",").append(index[d]);
        }
        return sb.append("] (element ").append(flat).append(')').toString();
    }
}
