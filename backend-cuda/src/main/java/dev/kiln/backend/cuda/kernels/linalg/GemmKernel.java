package dev.kiln.backend.cuda.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/**
 * Gemm: Y = alpha * op(A) * op(B) + beta * C for float32 2-D A and B, C broadcast to [M, N]. C is copied
 * into Y first and cuBLAS accumulates onto it with beta. Immutable.
 */
final class GemmKernel implements Kernel {
    private final CudaDevice device;
    private final float alpha;
    private final float beta;
    private final boolean transA;
    private final boolean transB;

    GemmKernel(KernelRequest request, CudaDevice device) {
        this.device = device;
        this.alpha = request.node().getFloat("alpha", 1f);
        this.beta = request.node().getFloat("beta", 1f);
        this.transA = request.node().getInt("transA", 0) != 0;
        this.transB = request.node().getInt("transB", 0) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new InvalidInputException("Gemm: expected 2-D A and B, got " + a.describe() + " and " + b.describe());
        }
        long m = transA ? a.dim(1) : a.dim(0);
        long k = transA ? a.dim(0) : a.dim(1);
        long kb = transB ? b.dim(1) : b.dim(0);
        long n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new InvalidInputException("Gemm: inner dimensions differ: " + a.describe() + (transA ? "^T" : "") + " times "
                    + b.describe() + (transB ? "^T" : ""));
        }
        long[] out = {m, n};
        Tensor y;
        float betaUsed = 0f;
        if (ctx.hasInput(2) && beta != 0f) {
            Tensor c = ctx.tensor(2);
            CudaStrides.broadcastShape("Gemm", c.dims(), out);
            y = CudaCopies.expand(device, ctx, DType.FLOAT, c.dims(), device.in(ctx, 2), out);
            betaUsed = beta;
        } else {
            y = ctx.allocate(DType.FLOAT, Shape.of(out));
        }
        device.gemm(transA, transB, m, n, k, alpha, device.in(ctx, 0), 0, device.in(ctx, 1), 0, betaUsed, device.address(y), 0, 1);
        ctx.setOutput(0, y);
    }
}
