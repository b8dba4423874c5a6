package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.math.FloatActivations;

/**
 * {@code dev.kiln::FusedMatMul(A, B, bias?)}: float32 MatMul, plus a bias along the last axis and an
 * activation, applied to each block of rows right after the product while it is in cache. The
 * runtime's fusion pass makes these nodes from MatMul, Add and activation chains; attribute
 * {@code activation} names the ONNX activation op ("" for none) and the node carries that op's own
 * attributes (Gelu's {@code approximate}, LeakyRelu's {@code alpha}).
 */
final class FusedMatMulKernel implements Kernel {
    static final String OP = "FusedMatMul";
    private final MatMulKernel product;
    private final FloatActivations.InPlace activation;
    private final CpuExecution execution;

    FusedMatMulKernel(KernelRequest request, CpuExecution execution) {
        this.product = new MatMulKernel(request, execution);
        this.execution = execution;
        String act = request.node().getString("activation", "");
        this.activation = act.isEmpty() ? null : FloatActivations.of(act, request.node()).orElseThrow(() ->
                new UnsupportedOpException(OP, request.node().domain(), request.opsetVersion(), "activation '" + act + "' is not one the CPU backend fuses"));
    }

    @Override
    public void execute(KernelContext ctx) {
        if (ctx.tensor(0).dtype() != DType.FLOAT) {
            throw new UnsupportedOpException(OP, ctx.node().domain(), ctx.opsetVersion(), "input A is " + ctx.tensor(0).describe() + "; expected float32");
        }
        Tensor y = product.compute(ctx);
        int n = (int) y.dims()[y.rank() - 1];
        float[] bias = null;
        if (ctx.hasInput(2)) {
            Tensor b = ctx.tensor(2);
            if (b.dtype() != DType.FLOAT || b.elementCount() != n) {
                throw new UnsupportedOpException(OP, ctx.node().domain(), ctx.opsetVersion(),
                        "bias is " + b.describe() + "; expected float32 with " + n + " elements (the output's last axis)");
            }
            bias = b.floatData();
        }
        float[] out = y.floatData();
        int rows = n == 0 ? 0 : out.length / n;
        float[] bs = bias;
        execution.parallelFor(rows, (long) n * (activation == null ? 1 : 12), (from, to) -> {
            if (bs != null) {
                for (int r = from; r < to; r++) {
                    int base = r * n;
                    for (int j = 0; j < n; j++) {
                        out[base + j] += bs[j];
                    }
                }
            }
            if (activation != null) {
                activation.apply(out, from * n, to * n);
            }
        });
        ctx.setOutput(0, y);
    }
}
