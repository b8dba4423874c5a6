package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * IsNaN and IsInf: a bool tensor marking the elements of a floating tensor (float8 to float64) that are
 * NaN, or infinite with the sign IsInf's 'detect_positive' and 'detect_negative' attributes select.
 */
final class FloatClassKernel implements Kernel {
    private final String opType;
    private final boolean nan;
    private final boolean positive;
    private final boolean negative;
    private final CpuExecution execution;

    private FloatClassKernel(String opType, boolean nan, boolean positive, boolean negative, CpuExecution execution) {
        this.opType = opType;
        this.nan = nan;
        this.positive = positive;
        this.negative = negative;
        this.execution = execution;
    }

    static FloatClassKernel isNaN(CpuExecution execution) {
        return new FloatClassKernel("IsNaN", true, false, false, execution);
    }

    static FloatClassKernel isInf(boolean positive, boolean negative, CpuExecution execution) {
        return new FloatClassKernel("IsInf", false, positive, negative, execution);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!x.dtype().isFloatingPoint()) {
            throw new InvalidInputException(opType + " input 'X': expected a floating-point tensor, got " + x.describe());
        }
        Tensor y = ctx.allocate(DType.BOOL, x.shape());
        boolean[] out = y.booleanData();
        int n = x.size();
        switch (x.dtype()) {
            case FLOAT -> {
                float[] f = x.floatData();
                execution.parallelFor(n, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        out[i] = test(f[i]);
                    }
                });
            }
            case DOUBLE -> {
                double[] d = x.doubleData();
                for (int i = 0; i < n; i++) {
                    out[i] = test(d[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = test(x.getDouble(i));
                }
            }
        }
        ctx.setOutput(0, y);
    }

    private boolean test(double v) {
        if (nan) {
            return v != v;
        }
        return v == Double.POSITIVE_INFINITY ? positive : v == Double.NEGATIVE_INFINITY && negative;
    }
}
