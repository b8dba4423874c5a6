package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;

/**
 * How close a candidate's floating-point output must be to the reference: {@code |a - r| <= atol + rtol * |r|}.
 * NaN must meet NaN and an infinity the same infinity. Integer and boolean outputs must be equal.
 *
 * @param rtol relative tolerance, at least 0
 * @param atol absolute tolerance, at least 0
 */
@Experimental
public record Tolerance(double rtol, double atol) {
    /** Elementwise functions: a few units in the last place of float32. */
    public static final Tolerance ELEMENTWISE = new Tolerance(1e-5, 1e-6);
    /** Reductions such as MatMul and Softmax, whose summation order is the backend's choice. */
    public static final Tolerance ACCUMULATING = new Tolerance(1e-4, 1e-4);

    public Tolerance {
        if (!(rtol >= 0) || !(atol >= 0)) {
            throw new IllegalArgumentException("tolerances must be at least 0, got rtol " + rtol + ", atol " + atol);
        }
    }

    public boolean accepts(double actual, double reference) {
        if (Double.isNaN(reference) || Double.isNaN(actual)) {
            return Double.isNaN(reference) && Double.isNaN(actual);
        }
        if (Double.isInfinite(reference) || Double.isInfinite(actual)) {
            return actual == reference;
        }
        return Math.abs(actual - reference) <= atol + rtol * Math.abs(reference);
    }
}
