package dev.kiln.backend.cpu.kernels.logic;

/**
 * The comparison ops, one row each. Every row has its own float32 loop (strides 0 or 1, as in a
 * broadcast run, with a faster loop for same-shape inputs read at the output's index) and scalar forms
 * for double and exact integer values; NaN compares unequal and unordered, as in IEEE 754.
 */
enum Comparison {
    EQUAL("Equal") {
        @Override
        void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n) {
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < yi + n; i++) {
                    y[i] = a[i] == b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] == b[bi + i * bs];
                }
            }
        }

        @Override
        boolean apply(double a, double b) {
            return a == b;
        }

        @Override
        boolean applyLong(long a, long b) {
            return a == b;
        }
    },
    LESS("Less") {
        @Override
        void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n) {
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < yi + n; i++) {
                    y[i] = a[i] < b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] < b[bi + i * bs];
                }
            }
        }

        @Override
        boolean apply(double a, double b) {
            return a < b;
        }

        @Override
        boolean applyLong(long a, long b) {
            return a < b;
        }
    },
    LESS_OR_EQUAL("LessOrEqual") {
        @Override
        void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n) {
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < yi + n; i++) {
                    y[i] = a[i] <= b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] <= b[bi + i * bs];
                }
            }
        }

        @Override
        boolean apply(double a, double b) {
            return a <= b;
        }

        @Override
        boolean applyLong(long a, long b) {
            return a <= b;
        }
    },
    GREATER("Greater") {
        @Override
        void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n) {
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < yi + n; i++) {
                    y[i] = a[i] > b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] > b[bi + i * bs];
                }
            }
        }

        @Override
        boolean apply(double a, double b) {
            return a > b;
        }

        @Override
        boolean applyLong(long a, long b) {
            return a > b;
        }
    },
    GREATER_OR_EQUAL("GreaterOrEqual") {
        @Override
        void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n) {
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < yi + n; i++) {
                    y[i] = a[i] >= b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] >= b[bi + i * bs];
                }
            }
        }

        @Override
        boolean apply(double a, double b) {
            return a >= b;
        }

        @Override
        boolean applyLong(long a, long b) {
            return a >= b;
        }
    };

    private final String opType;

    Comparison(String opType) {
        this.opType = opType;
    }

    /** The ONNX op type this row implements. */
    String opType() {
        return opType;
    }

    /** {@code y[yi + i] = a[ai + i*as] op b[bi + i*bs]} for i in {@code [0, n)}. */
    abstract void floats(float[] a, int ai, int as, float[] b, int bi, int bs, boolean[] y, int yi, int n);

    abstract boolean apply(double a, double b);

    /** The comparison on exact signed values; unsigned 64-bit values are mapped onto signed order first. */
    abstract boolean applyLong(long a, long b);
}
