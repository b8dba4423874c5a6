package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * SwiGLU (28): {@code Y = A * sigmoid(alpha * A) * B} elementwise over equal-shaped gate {@code A} and
 * value {@code B} (no broadcasting). Computed in double and rounded once to the element type.
 * Immutable; thread-safe.
 */
final class SwiGluKernel implements Kernel {
    private final double alpha;
    private final CpuExecution execution;

    SwiGluKernel(KernelRequest request, CpuExecution execution) {
        this.alpha = request.node().getFloat("alpha", 1f);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        Precision.of("SwiGLU", ctx.opsetVersion(), "input 'A'", a.dtype());
        if (!a.shape().equals(b.shape()) || a.dtype() != b.dtype()) {
            throw new InvalidInputException("SwiGLU: inputs A and B must have the same type and shape (no broadcasting), got "
                    + a.describe() + " and " + b.describe());
        }
        double[] x = TensorArrays.doubles(a);
        double[] v = TensorArrays.doubles(b);
        double[] out = new double[x.length];
        execution.parallelFor(out.length, 16, (start, end) -> {
            for (int i = start; i < end; i++) {
                out[i] = Swish.apply(alpha, x[i]) * v[i];
            }
        });
        Tensor y = ctx.allocate(a.dtype(), a.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
