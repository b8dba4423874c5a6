package dev.kiln.testing;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/** Assertions on tensors with the ONNX backend-test tolerance rule: |a - e| <= atol + rtol * |e|, NaN equals NaN, an infinity equals only itself. */
public final class TensorAssert {
    private TensorAssert() {
    }

    /** Null when equal within tolerance, else a message naming the first differing element. */
    public static String difference(Tensor expected, Tensor actual, double rtol, double atol) {
        if (expected.dtype() != actual.dtype()) {
            return "element type: expected " + expected.dtype() + ", got " + actual.dtype();
        }
        if (!expected.shape().equals(actual.shape())) {
            return "shape: expected " + expected.shape() + ", got " + actual.shape();
        }
        int n = expected.size();
        if (expected.dtype() == DType.STRING) {
            for (int i = 0; i < n; i++) {
                if (!expected.getString(i).equals(actual.getString(i))) {
                    return "element " + i + ": expected '" + expected.getString(i) + "', got '" + actual.getString(i) + "'";
                }
            }
            return null;
        }
        if (expected.dtype().isComplex()) {
            return expected.contentEquals(actual) ? null : "complex values differ";
        }
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            if (e == a) {
                continue;
            }
            // An infinity matches only itself: inf <= atol + rtol * inf would otherwise let -inf pass for +inf.
            if (Double.isInfinite(e) || Double.isInfinite(a) || !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                return "element " + i + ": expected " + e + ", got " + a + " (|diff| " + Math.abs(a - e) + ")";
            }
        }
        return null;
    }

    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol) {
        String d = difference(expected, actual, rtol, atol);
        if (d != null) {
            throw new AssertionError(d);
        }
    }
}
