package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.util.FloatBlocks;
import dev.kiln.backend.cpu.util.FloatMath;

/**
 * The unary math ops without attributes, one row each: the float32 loop and the double (and integer) form. Exp
 * and Erf run their float32 loop on the Vector API ({@link SimdMath#exp}, {@link SimdErf}) where
 * {@link Simd#enabled()}, else on the blocks C2 vectorizes.
 */
enum UnaryMath implements UnaryFunction {
    ABS("Abs", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = Math.abs(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.abs(x);
        }

        @Override
        public boolean acceptsIntegers() {
            return true;
        }

        @Override
        public long applyLong(long x) {
            return Math.abs(x);
        }

        @Override
        public long applyUnsigned(long x) {
            return x;
        }
    },
    NEG("Neg", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = -x[i];
            }
        }

        @Override
        public double apply(double x) {
            return -x;
        }

        @Override
        public boolean acceptsIntegers() {
            return true;
        }

        @Override
        public long applyLong(long x) {
            return -x;
        }
    },
    SIGN("Sign", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = Math.signum(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.signum(x);
        }

        @Override
        public boolean acceptsIntegers() {
            return true;
        }

        @Override
        public long applyLong(long x) {
            return Long.signum(x);
        }

        @Override
        public long applyUnsigned(long x) {
            return x != 0 ? 1 : 0;
        }
    },
    RECIPROCAL("Reciprocal", 2) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = 1f / x[i];
            }
        }

        @Override
        public double apply(double x) {
            return 1 / x;
        }
    },
    SQRT("Sqrt", 2) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.sqrt(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.sqrt(x);
        }
    },
    FLOOR("Floor", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.floor(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.floor(x);
        }
    },
    CEIL("Ceil", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.ceil(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.ceil(x);
        }
    },
    /** Round halves to even, as ONNX specifies. */
    ROUND("Round", 1) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.rint(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.rint(x);
        }
    },
    EXP("Exp", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            if (Simd.enabled()) {
                SimdMath.exp(x, from, y, from, to - from);
            } else {
                FloatBlocks.map(x, y, from, to, (in, out, s, n) -> FloatMath.exp(in, out, s[0], n));
            }
        }

        @Override
        public double apply(double x) {
            return Math.exp(x);
        }
    },
    LOG("Log", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.log(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.log(x);
        }
    },
    SIN("Sin", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.sin(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.sin(x);
        }
    },
    COS("Cos", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.cos(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.cos(x);
        }
    },
    TAN("Tan", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.tan(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.tan(x);
        }
    },
    ASIN("Asin", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.asin(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.asin(x);
        }
    },
    ACOS("Acos", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.acos(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.acos(x);
        }
    },
    ATAN("Atan", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.atan(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.atan(x);
        }
    },
    SINH("Sinh", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.sinh(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.sinh(x);
        }
    },
    COSH("Cosh", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) Math.cosh(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return Math.cosh(x);
        }
    },
    ASINH("Asinh", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) SpecialFunctions.asinh(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return SpecialFunctions.asinh(x);
        }
    },
    ACOSH("Acosh", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) SpecialFunctions.acosh(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return SpecialFunctions.acosh(x);
        }
    },
    ATANH("Atanh", 16) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = (float) SpecialFunctions.atanh(x[i]);
            }
        }

        @Override
        public double apply(double x) {
            return SpecialFunctions.atanh(x);
        }
    },
    ERF("Erf", 8) {
        @Override
        public void floats(float[] x, float[] y, int from, int to) {
            if (Simd.enabled()) {
                SimdErf.erf(x, y, from, to - from);
            } else {
                FloatBlocks.map(x, y, from, to, (in, out, s, n) -> FloatErf.erf(in, 1f, out, s, n));
            }
        }

        @Override
        public double apply(double x) {
            return SpecialFunctions.erf(x);
        }
    };

    private final String opType;
    private final int cost;

    UnaryMath(String opType, int cost) {
        this.opType = opType;
        this.cost = cost;
    }

    /** The ONNX op type this row implements. */
    String opType() {
        return opType;
    }

    @Override
    public int cost() {
        return cost;
    }
}
