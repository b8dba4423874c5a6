package dev.kiln.runtime.session;

import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;

/** Finds NaN and infinite elements in floating-point values, for {@link SessionOptions#checkNonFinite()}. Stateless. */
final class NonFiniteCheck {
    private NonFiniteCheck() {
    }

    /** A description of the first non-finite element ("element 3 is NaN"), or null when there is none. */
    static String firstNonFinite(RuntimeValue v) {
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
                    return describe(i, f[i]);
                }
            }
            return null;
        }
        for (int i = 0; i < n; i++) {
            double d = t.getDouble(i);
            if (!Double.isFinite(d)) {
                return describe(i, d);
            }
        }
        return null;
    }

    private static String describe(int index, double value) {
        return "element " + index + " is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf");
    }
}
