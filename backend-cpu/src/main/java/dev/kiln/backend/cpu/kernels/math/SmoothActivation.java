package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.ir.Node;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdMath;
import dev.kiln.backend.cpu.util.FloatBlocks;
import dev.kiln.backend.cpu.util.FloatMath;

/**
 * The activations built on exponentials (and erf), one row each, with attributes bound at compile time.
 * Their float32 loops run as short passes over blocks ({@link FloatBlocks}) around {@link FloatMath}'s
 * vectorized exp and expm1, so they are several times faster than a {@link Math#exp} per element; the
 * float64 forms use {@link Math}.
 */
enum SmoothActivation {
    ELU("Elu") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 1f);
            FloatBlocks.Block block = (in, out, s, n) -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.min(in[i], 0f);
                }
                FloatMath.expm1(out, out, s[0], n);
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(in[i], 0f) + alpha * out[i];
                }
            };
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, block);
                }

                @Override
                public double apply(double x) {
                    return x < 0 ? alpha * Math.expm1(x) : x;
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    },
    SELU("Selu") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 1.67326319217681884765625f);
            float gamma = node.getFloat("gamma", 1.05070102214813232421875f);
            FloatBlocks.Block block = (in, out, s, n) -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.min(in[i], 0f);
                }
                FloatMath.expm1(out, out, s[0], n);
                for (int i = 0; i < n; i++) {
                    out[i] = gamma * Math.max(in[i], 0f) + gamma * alpha * out[i];
                }
            };
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, block);
                }

                @Override
                public double apply(double x) {
                    return x > 0 ? gamma * x : (double) gamma * alpha * Math.expm1(x);
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    },
    CELU("Celu") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 1f);
            FloatBlocks.Block block = (in, out, s, n) -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.min(in[i], 0f) / alpha;
                }
                FloatMath.expm1(out, out, s[0], n);
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(in[i], 0f) + alpha * out[i];
                }
            };
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, block);
                }

                @Override
                public double apply(double x) {
                    return x > 0 ? x : (double) alpha * Math.expm1(x / alpha);
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    },
    SIGMOID("Sigmoid") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, (in, out, s, n) -> sigmoid(in, out, s[0], n));
                }

                @Override
                public double apply(double x) {
                    return 1 / (1 + Math.exp(-x));
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    },
    TANH("Tanh") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, (in, out, s, n) -> tanh(in, out, s[0], n));
                }

                @Override
                public double apply(double x) {
                    return Math.tanh(x);
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    },
    SOFTPLUS("Softplus") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, SmoothActivation::softplus);
                }

                @Override
                public double apply(double x) {
                    return softplus(x);
                }

                @Override
                public int cost() {
                    return 16;
                }
            };
        }
    },
    GELU("Gelu") {
        @Override
        UnaryFunction bind(Node node) {
            String approximate = node.getString("approximate", "none");
            if (approximate.equals("tanh")) {
                return new UnaryFunction() {
                    @Override
                    public void floats(float[] x, float[] y, int from, int to) {
                        FloatBlocks.map(x, y, from, to, (in, out, s, n) -> {
                            float[] u = s[1];
                            for (int i = 0; i < n; i++) {
                                float v = in[i];
                                u[i] = (float) SQRT_2_OVER_PI * (v + 0.044715f * v * v * v);
                            }
                            tanh(u, out, s[0], n);
                            for (int i = 0; i < n; i++) {
                                out[i] = 0.5f * in[i] * (1f + out[i]);
                            }
                        });
                    }

                    @Override
                    public double apply(double x) {
                        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
                    }

                    @Override
                    public int cost() {
                        return 10;
                    }
                };
            }
            if (!approximate.equals("none")) {
                throw new IllegalArgumentException("attribute 'approximate' must be 'none' or 'tanh', got '" + approximate + "'");
            }
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    if (Simd.enabled()) {
                        SimdMath.gelu(x, from, y, from, to - from);
                    } else {
                        FloatBlocks.map(x, y, from, to, (in, out, s, n) -> FloatGelu.gelu(in, out, s, n));
                    }
                }

                @Override
                public double apply(double x) {
                    return 0.5 * x * (1 + SpecialFunctions.erf(x * FRAC_1_SQRT_2));
                }

                @Override
                public int cost() {
                    return 10;
                }
            };
        }
    },
    MISH("Mish") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, (in, out, s, n) -> {
                        // tanh(ln(1 + t)) = t(t + 2) / (t(t + 2) + 2) with t = e^x; beyond x = 20 the ratio is 1 in float
                        for (int i = 0; i < n; i++) {
                            out[i] = Math.min(in[i], 20f);
                        }
                        FloatMath.exp(out, out, s[0], n);
                        for (int i = 0; i < n; i++) {
                            float t = out[i];
                            float u = t * (t + 2f);
                            out[i] = in[i] * u / (u + 2f);
                        }
                    });
                }

                @Override
                public double apply(double x) {
                    return x * Math.tanh(softplus(x));
                }

                @Override
                public int cost() {
                    return 24;
                }
            };
        }
    },
    SWISH("Swish") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 1f);
            FloatBlocks.Block block = (in, out, s, n) -> {
                for (int i = 0; i < n; i++) {
                    out[i] = -alpha * in[i];
                }
                FloatMath.exp(out, out, s[0], n);
                for (int i = 0; i < n; i++) {
                    out[i] = in[i] / (1f + out[i]);
                }
            };
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    FloatBlocks.map(x, y, from, to, block);
                }

                @Override
                public double apply(double x) {
                    return x / (1 + Math.exp(-(double) alpha * x));
                }

                @Override
                public int cost() {
                    return 8;
                }
            };
        }
    };

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double FRAC_1_SQRT_2 = 0.7071067811865476;

    private final String opType;

    SmoothActivation(String opType) {
        this.opType = opType;
    }

    /** The ONNX op type this row implements. */
    String opType() {
        return opType;
    }

    /** The function with the node's attributes bound; throws IllegalArgumentException naming a bad attribute. */
    abstract UnaryFunction bind(Node node);

    /** ln(1 + e^x) without overflow for large x or loss of precision for very negative x. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * One block of ln(1 + e^x) = max(x, 0) + log1p(e^-|x|), with log1p(t) for t in (0, 1] as
     * 2 atanh(t / (2 + t)), whose odd series in s = t / (2 + t) <= 1/3 reaches float precision in eight terms.
     */
    static void softplus(float[] in, float[] out, float[][] scratch, int n) {
        float[] s = scratch[1];
        float[] p = scratch[2];
        for (int i = 0; i < n; i++) {
            out[i] = -Math.abs(in[i]);
        }
        FloatMath.exp(out, out, scratch[0], n);
        for (int i = 0; i < n; i++) {
            float t = out[i];
            s[i] = t / (2f + t);
            p[i] = 1f / 15;
        }
        for (int k = 13; k >= 1; k -= 2) {
            float c = 1f / k;
            for (int i = 0; i < n; i++) {
                p[i] = p[i] * (s[i] * s[i]) + c;
            }
        }
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(in[i], 0f) + 2f * s[i] * p[i];
        }
    }

    /** One block of the logistic function 1 / (1 + e^-x). */
    static void sigmoid(float[] in, float[] out, float[] k, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = -in[i];
        }
        FloatMath.exp(out, out, k, n);
        for (int i = 0; i < n; i++) {
            out[i] = 1f / (1f + out[i]);
        }
    }

    /**
     * One block of tanh as -t / (2 + t) with t = expm1(-2x): accurate near 0 where 1 - 2/(e^2x + 1) would
     * cancel, and the clamp keeps t finite so that large |x| give exactly ±1. {@code k} is scratch.
     */
    static void tanh(float[] in, float[] out, float[] k, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.min(Math.max(-2f * in[i], -40f), 40f);
        }
        FloatMath.expm1(out, out, k, n);
        for (int i = 0; i < n; i++) {
            float t = out[i];
            out[i] = -t / (2f + t);
        }
    }
}
