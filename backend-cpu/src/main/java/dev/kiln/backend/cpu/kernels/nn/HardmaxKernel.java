package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/** Hardmax (opset 13 semantics): 1 at the first maximum along the axis, 0 elsewhere. */
final class HardmaxKernel implements Kernel {
    private final long axis;
    private final CpuExecution execution;

    HardmaxKernel(long axis, CpuExecution execution) {
        this.axis = axis;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("Hardmax", "", ctx.opsetVersion(), "input has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        AxisView v = AxisView.of("Hardmax", x, axis);
        double[] in = TensorArrays.doubles(x);
        double[] out = new double[in.length];
        execution.parallelFor(v.outer() * v.inner(), v.n(), (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = (r / v.inner()) * v.n() * v.inner() + r % v.inner();
                int best = 0;
                for (int i = 1; i < v.n(); i++) {
                    if (in[base + i * v.inner()] > in[base + best * v.inner()]) {
                        best = i;
                    }
                }
                if (v.n() > 0) {
                    out[base + best * v.inner()] = 1;
                }
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
