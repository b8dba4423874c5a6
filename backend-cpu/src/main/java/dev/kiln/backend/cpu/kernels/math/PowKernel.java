package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Pow: base X raised to exponent Y under broadcasting, where X and Y may have different numeric types
 * and the result has X's type. Floating bases compute in double and round; integer bases with integer
 * exponents are exact (wrapping like repeated multiplication), with a fractional exponent they truncate
 * the double result. float32 with a scalar exponent of 2 or 0.5 takes a multiply or square-root loop.
 */
final class PowKernel implements Kernel {
    private final CpuExecution execution;

    PowKernel(CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor e = ctx.tensor(1);
        ComputeDomain base = ComputeDomain.of(x.dtype());
        ComputeDomain exponent = ComputeDomain.of(e.dtype());
        if (!(base.isFloating() || base == ComputeDomain.INTEGER) || x.dtype() == DType.BOOL) {
            throw new InvalidInputException("Pow input 'X': expected a numeric tensor, got " + x.describe());
        }
        if (!(exponent.isFloating() || exponent == ComputeDomain.INTEGER) || e.dtype() == DType.BOOL) {
            throw new InvalidInputException("Pow input 'Y': expected a numeric tensor, got " + e.describe());
        }
        BroadcastPlan plan = BroadcastPlan.of(x.shape(), e.shape());
        Tensor y = ctx.allocate(x.dtype(), plan.outputShape());
        if (x.dtype() == DType.FLOAT && e.dtype() == DType.FLOAT) {
            powFloat(plan, x.floatData(), e.floatData(), y.floatData());
        } else if (base == ComputeDomain.INTEGER && exponent == ComputeDomain.INTEGER) {
            powIntegers(plan, x, e, y);
        } else {
            powGeneric(plan, x, e, y, base == ComputeDomain.INTEGER);
        }
        ctx.setOutput(0, y);
    }

    private void powFloat(BroadcastPlan plan, float[] x, float[] e, float[] y) {
        int xs = plan.innerStride(0);
        int es = plan.innerStride(1);
        execution.parallelFor(plan.size(), 12, (s, end) -> plan.forEachRun(s, end, (pos, len, off) -> {
            int xi = off[0];
            int ei = off[1];
            if (es == 0 && e[ei] == 2f) {
                for (int i = 0; i < len; i++) {
                    float v = x[xi + i * xs];
                    y[pos + i] = v * v;
                }
            } else if (es == 0 && e[ei] == 0.5f) {
                for (int i = 0; i < len; i++) {
                    y[pos + i] = (float) Math.sqrt(x[xi + i * xs]);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    y[pos + i] = (float) Math.pow(x[xi + i * xs], e[ei + i * es]);
                }
            }
        }));
    }

    private void powGeneric(BroadcastPlan plan, Tensor x, Tensor e, Tensor y, boolean integerBase) {
        int xs = plan.innerStride(0);
        int es = plan.innerStride(1);
        execution.parallelFor(plan.size(), 16, (s, end) -> {
            int block = Math.min(ElementCodec.BLOCK, end - s);
            double[] b = new double[block];
            double[] p = new double[block];
            double[] r = new double[block];
            long[] l = integerBase ? new long[block] : null;
            plan.forEachRun(s, end, (pos, len, off) -> {
                for (int q = 0; q < len; q += block) {
                    int n = Math.min(block, len - q);
                    ElementCodec.toDouble(x, off[0] + q * xs, b, 0, xs == 0 ? 1 : n);
                    ElementCodec.toDouble(e, off[1] + q * es, p, 0, es == 0 ? 1 : n);
                    for (int i = 0; i < n; i++) {
                        r[i] = Math.pow(b[i * xs], p[i * es]);
                    }
                    if (integerBase) {
                        for (int i = 0; i < n; i++) {
                            l[i] = (long) r[i];
                        }
                        ElementCodec.fromLong(l, 0, y, pos + q, n);
                    } else {
                        ElementCodec.fromDouble(r, 0, y, pos + q, n);
                    }
                }
            });
        });
    }

    private void powIntegers(BroadcastPlan plan, Tensor x, Tensor e, Tensor y) {
        int xs = plan.innerStride(0);
        int es = plan.innerStride(1);
        execution.parallelFor(plan.size(), 16, (s, end) -> {
            int block = Math.min(ElementCodec.BLOCK, end - s);
            long[] b = new long[block];
            long[] p = new long[block];
            long[] r = new long[block];
            plan.forEachRun(s, end, (pos, len, off) -> {
                for (int q = 0; q < len; q += block) {
                    int n = Math.min(block, len - q);
                    ElementCodec.toLong(x, off[0] + q * xs, b, 0, xs == 0 ? 1 : n);
                    ElementCodec.toLong(e, off[1] + q * es, p, 0, es == 0 ? 1 : n);
                    for (int i = 0; i < n; i++) {
                        r[i] = power(b[i * xs], p[i * es]);
                    }
                    ElementCodec.fromLong(r, 0, y, pos + q, n);
                }
            });
        });
    }

    /** base^exponent by squaring, wrapping on overflow; a negative exponent truncates 1/base^|exponent| toward zero. */
    static long power(long base, long exponent) {
        if (exponent < 0) {
            if (base == 1) {
                return 1;
            }
            if (base == -1) {
                return (exponent & 1) == 0 ? 1 : -1;
            }
            return 0;
        }
        long result = 1;
        long b = base;
        long k = exponent;
        while (k > 0) {
            if ((k & 1) != 0) {
                result *= b;
            }
            b *= b;
            k >>>= 1;
        }
        return result;
    }
}
