package dev.kiln.runtime.conformance;

import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;

/** Compares a candidate's output with the reference (tensors, sequences, optionals); returns what differs, or null when they agree. */
final class Outputs {
    private Outputs() {
    }

    static String difference(String name, RuntimeValue actual, RuntimeValue reference, Tolerance tol) {
        if (reference instanceof TensorSequence rs) {
            if (!(actual instanceof TensorSequence as) || as.size() != rs.size()) {
                return "output '" + name + "': expected " + rs.describe() + ", got " + describe(actual);
            }
            for (int i = 0; i < rs.size(); i++) {
                String d = difference(name + "[" + i + "]", as.get(i), rs.get(i), tol);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (reference instanceof OptionalValue ro) {
            if (!(actual instanceof OptionalValue ao) || ao.isPresent() != ro.isPresent()) {
                return "output '" + name + "': expected " + ro.describe() + ", got " + describe(actual);
            }
            return ro.isPresent() ? difference(name, ao.value(), ro.value(), tol) : null;
        }
        if (!(reference instanceof Tensor r)) {
            return actual != null && actual.equals(reference) ? null : "output '" + name + "': expected " + describe(reference) + ", got " + describe(actual);
        }
        if (!(actual instanceof Tensor a)) {
            return "output '" + name + "': expected " + r.describe() + ", got " + describe(actual);
        }
        if (a.dtype() != r.dtype() || !a.shape().equals(r.shape())) {
            return "output '" + name + "': expected " + r.describe() + ", got " + a.describe();
        }
        boolean exact = !r.dtype().isFloatingPoint();
        for (int i = 0; i < r.size(); i++) {
            Object ra = element(r, i);
            Object aa = element(a, i);
            boolean same = exact ? ra.equals(aa) : tol.accepts((Double) aa, (Double) ra);
            if (!same) {
                return "output '" + name + "' element " + i + ": expected " + ra + ", got " + aa
                        + (exact ? " (must be equal)" : " (rtol " + tol.rtol() + ", atol " + tol.atol() + ")");
            }
        }
        return null;
    }

    private static String describe(RuntimeValue v) {
        return v == null ? "nothing" : v.describe();
    }

    private static Object element(Tensor t, int i) {
        return switch (t.dtype()) {
            case STRING -> t.getString(i);
            case BOOL -> t.getBoolean(i);
            default -> t.getDouble(i);
        };
    }
}
