package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import dev.kiln.backend.cpu.util.ComputeDomain;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Sum, Mean, Min and Max over any number of inputs with multidirectional broadcasting: the first two
 * inputs are combined into the output, and each further input is folded into it in place. Mean divides
 * the sum by the input count at the end.
 */
final class VariadicKernel implements Kernel {
    private final String opType;
    private final BinaryOp op;
    private final boolean mean;
    private final CpuExecution execution;

    VariadicKernel(String opType, BinaryOp op, boolean mean, CpuExecution execution) {
        this.opType = opType;
        this.op = op;
        this.mean = mean;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        int n = ctx.inputCount();
        if (n == 0) {
            throw new InvalidInputException(opType + ": expected at least one input, got none");
        }
        Tensor first = ctx.tensor(0);
        Shape[] shapes = new Shape[n];
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.tensor(i);
            BinaryKernel.checkTypes(opType, op, first, t);
            if (mean && !ComputeDomain.of(t.dtype()).isFloating()) {
                throw new InvalidInputException(opType + " input " + i + ": expected a floating-point tensor, got " + t.describe());
            }
            shapes[i] = t.shape();
        }
        if (n == 1) {
            // one input: the result is that input, which is immutable and may be shared
            ctx.setOutput(0, first);
            return;
        }
        Shape out = BroadcastPlan.of(shapes).outputShape();
        // only the first two inputs may become the accumulator: a later one would be overwritten before it is read
        Tensor y = BinaryKernel.output(ctx, out, 0, 1);
        BinaryKernel.apply(op, BroadcastPlan.into(out, shapes[0], shapes[1]), first, ctx.tensor(1), y, execution);
        for (int i = 2; i < n; i++) {
            BinaryKernel.apply(op, BroadcastPlan.into(out, out, shapes[i]), y, ctx.tensor(i), y, execution);
        }
        if (mean) {
            divide(y, n);
        }
        ctx.setOutput(0, y);
    }

    private void divide(Tensor y, int count) {
        int size = y.size();
        switch (ComputeDomain.of(y.dtype())) {
            case FLOAT32 -> {
                float[] f = y.floatData();
                float c = count;
                execution.parallelFor(size, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        f[i] /= c;
                    }
                });
            }
            case FLOAT64 -> {
                double[] d = y.doubleData();
                for (int i = 0; i < size; i++) {
                    d[i] /= count;
                }
            }
            default -> {
                float[] block = new float[Math.min(ElementCodec.BLOCK, size)];
                for (int p = 0; p < size; p += block.length) {
                    int len = Math.min(block.length, size - p);
                    ElementCodec.toFloat(y, p, block, 0, len);
                    for (int i = 0; i < len; i++) {
                        block[i] /= count;
                    }
                    ElementCodec.fromFloat(block, 0, y, p, len);
                }
            }
        }
    }
}
