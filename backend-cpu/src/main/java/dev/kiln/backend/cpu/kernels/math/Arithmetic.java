package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.ExecutionException;

/**
 * The broadcasting binary arithmetic ops, one row each; Min and Max also serve the variadic kernel.
 * Integer division and modulo by zero are errors rather than undefined results.
 *
 * <p>The float32 loops single out the layouts where every array is read at the output's own index (same
 * shapes, and a scalar on either side): only those loops does HotSpot vectorize, several times faster
 * than the general strided loop that serves every other broadcast.
 */
enum Arithmetic implements BinaryOp {
    ADD {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] + b[i];
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] + s;
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = s + b[i];
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i] + b[bi + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] + b[bi + i * bs];
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return a + b;
        }

        @Override
        public long applyLong(long a, long b) {
            return a + b;
        }
    },
    SUB {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] - b[i];
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] - s;
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = s - b[i];
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i] - b[bi + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] - b[bi + i * bs];
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return a - b;
        }

        @Override
        public long applyLong(long a, long b) {
            return a - b;
        }
    },
    MUL {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] * b[i];
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] * s;
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = s * b[i];
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i] * b[bi + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] * b[bi + i * bs];
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return a * b;
        }

        @Override
        public long applyLong(long a, long b) {
            return a * b;
        }
    },
    /** Integer division truncates toward zero, as ONNX specifies. */
    DIV {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] / b[i];
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = a[i] / s;
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = s / b[i];
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i] / b[bi + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = a[ai + i * as] / b[bi + i * bs];
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return a / b;
        }

        @Override
        public long applyLong(long a, long b) {
            return a / nonZero(b);
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return Long.divideUnsigned(a, nonZero(b));
        }

        @Override
        public int cost() {
            return 2;
        }
    },
    /** Max propagates NaN, like numpy.maximum. */
    MAX {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = Math.max(a[i], b[i]);
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = Math.max(a[i], s);
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = Math.max(s, b[i]);
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = Math.max(a[ai + i], b[bi + i]);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = Math.max(a[ai + i * as], b[bi + i * bs]);
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return Math.max(a, b);
        }

        @Override
        public long applyLong(long a, long b) {
            return Math.max(a, b);
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return Long.compareUnsigned(a, b) >= 0 ? a : b;
        }
    },
    /** Min propagates NaN, like numpy.minimum. */
    MIN {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            int end = yi + n;
            if (as == 1 && bs == 1 && ai == yi && bi == yi) {
                for (int i = yi; i < end; i++) {
                    y[i] = Math.min(a[i], b[i]);
                }
            } else if (as == 1 && bs == 0 && ai == yi) {
                float s = b[bi];
                for (int i = yi; i < end; i++) {
                    y[i] = Math.min(a[i], s);
                }
            } else if (as == 0 && bs == 1 && bi == yi) {
                float s = a[ai];
                for (int i = yi; i < end; i++) {
                    y[i] = Math.min(s, b[i]);
                }
            } else if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = Math.min(a[ai + i], b[bi + i]);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    y[yi + i] = Math.min(a[ai + i * as], b[bi + i * bs]);
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return Math.min(a, b);
        }

        @Override
        public long applyLong(long a, long b) {
            return Math.min(a, b);
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return Long.compareUnsigned(a, b) <= 0 ? a : b;
        }
    },
    /** PRelu: x where x >= 0, slope * x elsewhere; the slope is the second input. */
    PRELU {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            // max/min instead of a branch: the signs of activations are unpredictable, and this form vectorizes
            if (as == 1 && bs == 1) {
                for (int i = 0; i < n; i++) {
                    float v = a[ai + i];
                    y[yi + i] = Math.max(v, 0f) + b[bi + i] * Math.min(v, 0f);
                }
            } else if (bs == 0) {
                float s = b[bi];
                for (int i = 0; i < n; i++) {
                    float v = a[ai + i * as];
                    y[yi + i] = Math.max(v, 0f) + s * Math.min(v, 0f);
                }
            } else {
                float v = a[ai];
                for (int i = 0; i < n; i++) {
                    y[yi + i] = Math.max(v, 0f) + b[bi + i] * Math.min(v, 0f);
                }
            }
        }

        @Override
        public double apply(double a, double b) {
            return a < 0 ? a * b : a;
        }

        @Override
        public long applyLong(long a, long b) {
            return a < 0 ? a * b : a;
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return a;
        }
    },
    /** Mod with fmod=0: the remainder takes the divisor's sign (Python's %). */
    MOD {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            for (int i = 0; i < n; i++) {
                y[yi + i] = (float) apply(a[ai + i * as], b[bi + i * bs]);
            }
        }

        @Override
        public double apply(double a, double b) {
            double r = a % b;
            return r != 0 && (r < 0) != (b < 0) ? r + b : r;
        }

        @Override
        public long applyLong(long a, long b) {
            return Math.floorMod(a, nonZero(b));
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return Long.remainderUnsigned(a, nonZero(b));
        }

        @Override
        public int cost() {
            return 4;
        }
    },
    /** Mod with fmod=1: C's fmod, the remainder takes the dividend's sign. */
    FMOD {
        @Override
        public void floats(float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
            for (int i = 0; i < n; i++) {
                y[yi + i] = a[ai + i * as] % b[bi + i * bs];
            }
        }

        @Override
        public double apply(double a, double b) {
            return a % b;
        }

        @Override
        public long applyLong(long a, long b) {
            return a % nonZero(b);
        }

        @Override
        public long applyUnsigned64(long a, long b) {
            return Long.remainderUnsigned(a, nonZero(b));
        }

        @Override
        public int cost() {
            return 4;
        }
    };

    private static long nonZero(long divisor) {
        if (divisor == 0) {
            throw new ExecutionException("integer division by zero: input 'B' holds a 0 divisor");
        }
        return divisor;
    }
}
