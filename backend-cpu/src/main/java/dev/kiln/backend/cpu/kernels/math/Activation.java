package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.ir.Node;

/**
 * The piecewise-linear activations, one row each. A row reads the node's attributes once, at compile
 * time, and returns the {@link UnaryFunction} with them bound. Loops use min/max rather than branches
 * where they can, because activation signs are unpredictable and the branch-free form vectorizes.
 */
enum Activation {
    RELU("Relu") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        y[i] = Math.max(x[i], 0f);
                    }
                }

                @Override
                public double apply(double x) {
                    return Math.max(x, 0);
                }

                @Override
                public boolean acceptsIntegers() {
                    return true;
                }

                @Override
                public long applyLong(long x) {
                    return Math.max(x, 0);
                }

                @Override
                public long applyUnsigned(long x) {
                    return x;
                }
            };
        }
    },
    LEAKY_RELU("LeakyRelu") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 0.01f);
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        y[i] = Math.max(v, 0f) + alpha * Math.min(v, 0f);
                    }
                }

                @Override
                public double apply(double x) {
                    return x < 0 ? x * alpha : x;
                }
            };
        }
    },
    THRESHOLDED_RELU("ThresholdedRelu") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 1f);
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        y[i] = v > alpha ? v : 0f;
                    }
                }

                @Override
                public double apply(double x) {
                    return x > alpha ? x : 0;
                }
            };
        }
    },
    HARD_SIGMOID("HardSigmoid") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = node.getFloat("alpha", 0.2f);
            float beta = node.getFloat("beta", 0.5f);
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        y[i] = Math.max(0f, Math.min(1f, alpha * x[i] + beta));
                    }
                }

                @Override
                public double apply(double x) {
                    return Math.max(0, Math.min(1, alpha * x + beta));
                }
            };
        }
    },
    HARD_SWISH("HardSwish") {
        @Override
        UnaryFunction bind(Node node) {
            float alpha = 1f / 6;
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        y[i] = v * Math.max(0f, Math.min(1f, alpha * v + 0.5f));
                    }
                }

                @Override
                public double apply(double x) {
                    return x * Math.max(0, Math.min(1, x / 6 + 0.5));
                }
            };
        }
    },
    SOFTSIGN("Softsign") {
        @Override
        UnaryFunction bind(Node node) {
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        y[i] = v / (1f + Math.abs(v));
                    }
                }

                @Override
                public double apply(double x) {
                    return x / (1 + Math.abs(x));
                }
            };
        }
    },
    SHRINK("Shrink") {
        @Override
        UnaryFunction bind(Node node) {
            float bias = node.getFloat("bias", 0f);
            float lambd = node.getFloat("lambd", 0.5f);
            return new UnaryFunction() {
                @Override
                public void floats(float[] x, float[] y, int from, int to) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        y[i] = v < -lambd ? v + bias : v > lambd ? v - bias : 0f;
                    }
                }

                @Override
                public double apply(double x) {
                    return x < -lambd ? x + bias : x > lambd ? x - bias : 0;
                }

                @Override
                public boolean acceptsIntegers() {
                    return true;
                }

                @Override
                public long applyLong(long x) {
                    return (long) apply(x);
                }
            };
        }
    };

    private final String opType;

    Activation(String opType) {
        this.opType = opType;
    }

    /** The ONNX op type this row implements. */
    String opType() {
        return opType;
    }

    /** The function with the node's attributes bound; throws IllegalArgumentException naming a bad attribute. */
    abstract UnaryFunction bind(Node node);
}
