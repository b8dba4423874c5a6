package dev.kiln.samples.conformance;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorMap;
import dev.kiln.api.tensor.TensorSequence;
import java.util.Map;
import java.util.Objects;

/**
 * The ONNX backend tests' comparison rule: an element passes when
 * {@code |actual - expected| <= atol + rtol * |expected|}; NaN matches NaN, equal infinities match;
 * element type and shape must be identical; strings and booleans must be equal; sequences, optionals
 * and maps compare element by element. Immutable and thread-safe.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
public record OutputComparator(double rtol, double atol) {
    public static final double DEFAULT_RTOL = 1e-3;
    public static final double DEFAULT_ATOL = 1e-7;

    public OutputComparator {
        if (!(rtol >= 0) || !(atol >= 0)) {
            throw new IllegalArgumentException("tolerances must be zero or positive, got rtol " + rtol + ", atol " + atol);
        }
    }

    public static OutputComparator defaults() {
        return new OutputComparator(DEFAULT_RTOL, DEFAULT_ATOL);
    }

    /** Null when {@code actual} matches {@code expected}; otherwise a short one-line reason. */
    public String difference(RuntimeValue expected, RuntimeValue actual) {
        if (actual == null) {
            return "missing, expected " + expected.describe();
        }
        if (expected instanceof Tensor e && actual instanceof Tensor a) {
            return tensorDifference(e, a);
        }
        if (expected instanceof TensorSequence e && actual instanceof TensorSequence a) {
            return sequenceDifference(e, a);
        }
        if (expected instanceof OptionalValue e && actual instanceof OptionalValue a) {
            if (e.isPresent() != a.isPresent()) {
                return "expected " + e.describe() + ", got " + a.describe();
            }
            return e.isPresent() ? difference(e.value(), a.value()) : null;
        }
        if (expected instanceof TensorMap e && actual instanceof TensorMap a) {
            return mapDifference(e, a);
        }
        return "expected " + expected.describe() + ", got " + actual.describe();
    }

    private String sequenceDifference(TensorSequence e, TensorSequence a) {
        if (e.elementType() != a.elementType() || e.size() != a.size()) {
            return "expected " + e.describe() + ", got " + a.describe();
        }
        for (int i = 0; i < e.size(); i++) {
            String d = tensorDifference(e.get(i), a.get(i));
            if (d != null) {
                return "sequence element " + i + ": " + d;
            }
        }
        return null;
    }

    private String mapDifference(TensorMap e, TensorMap a) {
        if (e.keyType() != a.keyType() || e.valueType() != a.valueType() || !e.entries().keySet().equals(a.entries().keySet())) {
            return "expected " + e.describe() + " with keys " + e.entries().keySet() + ", got " + a.describe();
        }
        for (Map.Entry<Object, Object> entry : e.entries().entrySet()) {
            Object ev = entry.getValue();
            Object av = a.entries().get(entry.getKey());
            String d = ev instanceof RuntimeValue ert && av instanceof RuntimeValue art ? difference(ert, art)
                    : Objects.equals(ev, av) ? null : "expected " + ev + ", got " + av;
            if (d != null) {
                return "map key " + entry.getKey() + ": " + d;
            }
        }
        return null;
    }

    private String tensorDifference(Tensor e, Tensor a) {
        if (e.dtype() != a.dtype()) {
            return "element type: expected " + e.describe() + ", got " + a.describe();
        }
        if (!e.shape().equals(a.shape())) {
            return "shape: expected " + e.describe() + ", got " + a.describe();
        }
        if (!a.isHost()) {
            return "result " + a.describe() + " was left in device memory";
        }
        DType t = e.dtype();
        int n = e.size();
        for (int i = 0; i < n; i++) {
            String d;
            if (t == DType.STRING) {
                d = e.getString(i).equals(a.getString(i)) ? null : mismatch("'" + e.getString(i) + "'", "'" + a.getString(i) + "'");
            } else if (t == DType.BOOL) {
                d = e.getBoolean(i) == a.getBoolean(i) ? null : mismatch(e.getBoolean(i), a.getBoolean(i));
            } else if (t.isComplex()) {
                d = complexDifference(e, a, i);
            } else {
                d = elementMatches(e, a, i) ? null : mismatch(element(e, i), element(a, i));
            }
            if (d != null) {
                return "element " + index(e, i) + ": " + d + mismatchCount(e, a, i);
            }
        }
        return null;
    }

    private boolean elementMatches(Tensor e, Tensor a, int i) {
        // Equal integers match exactly even where doubles could not tell them apart (int64 beyond 2^53).
        return (e.dtype().isInteger() && e.getLong(i) == a.getLong(i)) || close(e.getDouble(i), a.getDouble(i));
    }

    private static String mismatch(Object expected, Object actual) {
        return "expected " + expected + ", got " + actual;
    }

    /** True when one element passes the rule. */
    public boolean close(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (expected == actual) {
            return true;
        }
        // As numpy's isclose: an infinity matches only itself (otherwise inf <= inf would let -inf pass).
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return false;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    // numpy's allclose measures complex numbers by the modulus of the difference.
    private String complexDifference(Tensor e, Tensor a, int i) {
        double er = slot(e, 2 * i);
        double ei = slot(e, 2 * i + 1);
        double ar = slot(a, 2 * i);
        double ai = slot(a, 2 * i + 1);
        boolean nanE = Double.isNaN(er) || Double.isNaN(ei);
        boolean nanA = Double.isNaN(ar) || Double.isNaN(ai);
        boolean ok = nanE || nanA ? nanE && nanA
                : (er == ar && ei == ai) || (Double.isFinite(er) && Double.isFinite(ei)
                        && Double.isFinite(ar) && Double.isFinite(ai) && Math.hypot(ar - er, ai - ei) <= atol + rtol * Math.hypot(er, ei));
        return ok ? null : mismatch("(" + er + "," + ei + ")", "(" + ar + "," + ai + ")");
    }

    private static double slot(Tensor t, int j) {
        return t.dtype() == DType.COMPLEX64 ? t.floatData()[j] : t.doubleData()[j];
    }

    private String mismatchCount(Tensor e, Tensor a, int first) {
        if (e.dtype() == DType.STRING || e.dtype() == DType.BOOL || e.dtype().isComplex()) {
            return "";
        }
        int bad = 0;
        for (int i = first; i < e.size(); i++) {
            if (!elementMatches(e, a, i)) {
                bad++;
            }
        }
        return " (" + bad + " of " + e.size() + " elements differ)";
    }

    private static String index(Tensor t, int flat) {
        if (t.rank() <= 1) {
            return "[" + flat + "]";
        }
        long[] strides = t.shape().strides();
        StringBuilder b = new StringBuilder("[");
        long rest = flat;
        for (int d = 0; d < strides.length; d++) {
            b.append(d > 0 ? "," : "").append(rest / strides[d]);
            rest %= strides[d];
        }
        return b.append(']').toString();
    }

    // Integers print without a fraction and narrow floats at their own precision, so messages stay short.
    private static String element(Tensor t, int i) {
        if (t.dtype().isInteger()) {
            return t.dtype() == DType.UINT64 ? Long.toUnsignedString(t.getLong(i)) : String.valueOf(t.getLong(i));
        }
        return t.dtype() == DType.DOUBLE ? String.valueOf(t.getDouble(i)) : String.valueOf((float) t.getDouble(i));
    }
}
