package dev.kiln.runtime.conformance;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;

/** Compares a candidate's output with the reference; returns what differs, or null when they agree. */
final class Outputs {
    private Outputs() {
    }

    static String difference(String name, RuntimeValue actual, RuntimeValue reference, Tolerance tol) {
        if (!(reference instanceof Tensor r)) {
            return actual != null && actual.equals(reference) ? null : "output '" + name + "' is not a tensor; compared by equality and differs";
        }
        if (!(actual instanceof Tensor a)) {
            return "output '" + name + "': expected " + r.describe() + ", got " + (actual == null ? "nothing" : actual.getClass().getSimpleName());
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

    private static Object element(Tensor t, int i) {
        return switch (t.dtype()) {
            case STRING -> t.getString(i);
            case BOOL -> t.getBoolean(i);
            default -> t.getDouble(i);
        };
    }
}
