package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.math.FloatActivations;
import dev.kiln.backend.cpu.simd.Simd;

/**
 * {@code dev.kiln::FusedMatMul(A, B, bias?)}: float32 MatMul, plus a bias along the last axis and an
 * activation, applied to each block of rows right after the product while it is in cache. The
 * runtime's fusion pass makes these nodes from MatMul, Add and activation chains; attribute
 * {@code activation} names the ONNX activation op ("" for none) and the node carries that op's own
 * attributes (Gelu's {@code approximate}, LeakyRelu's {@code alpha}). A constant weight goes through the
 * SIMD GEMM when the SIMD kernels are on (see {@link MatMulKernel}), with bias and activation as its epilogue.
 */
final class FusedMatMulKernel implements Kernel {
    static final String OP = "FusedMatMul";
    private final MatMulKernel product;
    private final FloatActivations.InPlace activation;

    FusedMatMulKernel(KernelRequest request, CpuExecution execution) {
        this(request, execution, Simd.enabled());
    }

    /** {@code simd} false runs the product through OpenBLAS even when the SIMD kernels are on (tests of that path). */
    FusedMatMulKernel(KernelRequest request, CpuExecution execution, boolean simd) {
        this.product = new MatMulKernel(request, execution, simd);
        String act = request.node().getString("activation", "");
        this.activation = act.isEmpty() ? null : FloatActivations.of(act, request.node()).orElseThrow(() ->
                new UnsupportedOpException(OP, request.node().domain(), request.opsetVersion(), "activation '" + act + "' is not one the CPU backend fuses"));
    }

    @Override
    public void execute(KernelContext ctx) {
        if (ctx.tensor(0).dtype() != DType.FLOAT) {
            throw new UnsupportedOpException(OP, ctx.node().domain(), ctx.opsetVersion(), "input A is " + ctx.tensor(0).describe() + "; expected float32");
        }
        long[] aDims = ctx.tensor(0).dims();
        long[] bDims = ctx.tensor(1).dims();
        if (bDims.length < 2 || aDims.length < 2) {
            Tensor y = product.compute(ctx);
            finish(y, ctx, y.rank() == 0 ? 1 : (int) y.dims()[y.rank() - 1]);
            ctx.setOutput(0, y);
            return;
        }
        float[] bias = bias(ctx, (int) bDims[bDims.length - 1]);
        FloatActivations.InPlace act = activation;
        // bias and activation run on each block of the product as it leaves the GEMM, while it is in cache (the
        // SIMD GEMM adds the bias in its tile's store)
        Blas.Epilogue activate = act == null ? null : (c, off, row, col0, cols) -> act.apply(c, off, off + cols);
        Blas.Epilogue epilogue = bias == null ? activate : new Blas.Epilogue.Bias(bias, activate);
        ctx.setOutput(0, product.compute(ctx, epilogue));
    }

    /** The bias input checked against the output's last axis of n, or null when there is none. */
    private static float[] bias(KernelContext ctx, int n) {
        if (!ctx.hasInput(2)) {
            return null;
        }
        Tensor b = ctx.tensor(2);
        if (b.dtype() != DType.FLOAT || b.elementCount() != n) {
            throw new UnsupportedOpException(OP, ctx.node().domain(), ctx.opsetVersion(),
                    "bias is " + b.describe() + "; expected float32 with " + n + " elements (the output's last axis)");
        }
        return b.floatData();
    }

    /** Bias and activation as a separate pass, for the vector forms of MatMul (1-D A or B). */
    private void finish(Tensor y, KernelContext ctx, int last) {
        float[] bias = bias(ctx, last);
        float[] out = y.floatData();
        if (bias != null) {
            for (int r = 0; r + last <= out.length; r += last) {
                for (int j = 0; j < last; j++) {
                    out[r + j] += bias[j];
                }
            }
        }
        if (activation != null) {
            activation.apply(out, 0, out.length);
        }
    }
}
