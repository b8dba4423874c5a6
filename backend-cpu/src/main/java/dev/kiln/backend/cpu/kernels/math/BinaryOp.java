package dev.kiln.backend.cpu.kernels.math;

/**
 * An elementwise function of two values of one type, as {@link BinaryKernel} applies it under
 * broadcasting. Inputs are read with a stride of 1 or 0 (a repeated element) within a run. As with
 * {@link UnaryFunction}, the float32 loop is per op so it compiles without a call per element.
 * Implementations are immutable.
 */
interface BinaryOp {
    /**
     * {@code y[yi + i] = f(a[ai + i*as], b[bi + i*bs])} for i in {@code [0, n)}, with strides 0 or 1.
     * {@code y} may be {@code a} or {@code b} at the same position (in-place accumulation).
     */
    void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n);

    /** f in double precision, for float64 tensors. */
    double apply(double a, double b);

    /** True when defined on integer tensors; then {@link #applyLong} is implemented. */
    default boolean acceptsIntegers() {
        return true;
    }

    /** f on exact integer values (unsigned types zero-extended; results are wrapped to the type afterwards). */
    long applyLong(long a, long b);

    /** f on uint64 values held as their bits; differs from {@link #applyLong} where order or division is involved. */
    default long applyUnsigned64(long a, long b) {
        return applyLong(a, b);
    }

    /** Rough cost of one element relative to an addition, for deciding when to go parallel. */
    default int cost() {
        return 1;
    }
}
