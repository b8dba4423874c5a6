package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Applies a {@link UnaryFunction} to every element: float32 directly on the arrays, float16 and
 * bfloat16 in float blocks, float64 in double, integers in long (when the function has an integer form).
 * Large tensors are split over the backend's threads.
 */
final class UnaryKernel implements Kernel {
    private final String opType;
    private final UnaryFunction function;
    private final CpuExecution execution;

    UnaryKernel(String opType, UnaryFunction function, CpuExecution execution) {
        this.opType = opType;
        this.function = function;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        // UnaryFunction.floats may write the array it reads
        Tensor y = BinaryKernel.output(ctx, x.shape(), 0);
        apply(x, y);
        ctx.setOutput(0, y);
    }

    /** Fills {@code y} (same type and shape as {@code x}) with f(x). */
    void apply(Tensor x, Tensor y) {
        int n = x.size();
        ComputeDomain domain = ComputeDomain.of(x.dtype());
        long cost = function.cost();
        switch (domain) {
            case FLOAT32 -> {
                float[] xs = x.floatData();
                float[] ys = y.floatData();
                execution.parallelFor(n, cost, (s, e) -> function.floats(xs, ys, s, e));
            }
            case HALF -> execution.parallelFor(n, cost + 2, (s, e) -> {
                float[] block = new float[Math.min(ElementCodec.BLOCK, e - s)];
                for (int p = s; p < e; p += block.length) {
                    int len = Math.min(block.length, e - p);
                    ElementCodec.toFloat(x, p, block, 0, len);
                    function.floats(block, block, 0, len);
                    ElementCodec.fromFloat(block, 0, y, p, len);
                }
            });
            case FLOAT64 -> {
                double[] xs = x.doubleData();
                double[] ys = y.doubleData();
                execution.parallelFor(n, cost, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        ys[i] = function.apply(xs[i]);
                    }
                });
            }
            case INTEGER -> {
                if (!function.acceptsIntegers() || x.dtype() == DType.BOOL) {
                    throw wrongType(x);
                }
                boolean unsigned = x.dtype().isUnsigned();
                execution.parallelFor(n, cost + 2, (s, e) -> {
                    long[] block = new long[Math.min(ElementCodec.BLOCK, e - s)];
                    for (int p = s; p < e; p += block.length) {
                        int len = Math.min(block.length, e - p);
                        ElementCodec.toLong(x, p, block, 0, len);
                        for (int i = 0; i < len; i++) {
                            block[i] = unsigned ? function.applyUnsigned(block[i]) : function.applyLong(block[i]);
                        }
                        ElementCodec.fromLong(block, 0, y, p, len);
                    }
                });
            }
            default -> throw wrongType(x);
        }
    }

    private InvalidInputException wrongType(Tensor x) {
        return new InvalidInputException(opType + " input 'X': expected a " + (function.acceptsIntegers() ? "numeric" : "floating-point")
                + " tensor, got " + x.describe());
    }
}
