package dev.kiln.backend.cpu.kernels.math;

/**
 * An elementwise function of one value, as {@link UnaryKernel} applies it. The float32 loop is a method
 * of its own so that each function's loop is compiled (and vectorized) separately, with no call per
 * element; float64 and integer elements go through the scalar methods. Implementations are immutable.
 */
interface UnaryFunction {
    /** {@code y[i] = f(x[i])} for i in {@code [from, to)}; {@code x} and {@code y} may be the same array. */
    void floats(float[] x, float[] y, int from, int to);

    /** f in double precision, for float64 tensors. */
    double apply(double x);

    /** True when the op is defined on integer tensors; then {@link #applyLong} is implemented. */
    default boolean acceptsIntegers() {
        return false;
    }

    /** f on an integer value (exact; unsigned values arrive zero-extended, uint64 as its bits). */
    default long applyLong(long x) {
        throw new UnsupportedOperationException("no integer form");
    }

    /** f on a value of an unsigned type; differs from {@link #applyLong} where the sign matters (Abs, Sign, Relu). */
    default long applyUnsigned(long x) {
        return applyLong(x);
    }

    /** Rough cost of one element relative to an addition, for deciding when to go parallel. */
    default int cost() {
        return 1;
    }
}
