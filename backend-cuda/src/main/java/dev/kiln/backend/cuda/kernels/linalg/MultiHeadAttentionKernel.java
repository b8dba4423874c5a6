package dev.kiln.backend.cuda.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * {@code dev.kiln::MultiHeadAttention(q, k, v, mask?)} on float32, with the CPU kernel's semantics:
 * {@code softmax(scale * Q K^T + mask) V} per batch and head, q [B, Sq, H*D], k and v [B, Sk, H*D], the
 * additive mask broadcast to [B, H, Sq, Sk], output [B, Sq, H*D]. Heads are strided views of the packed
 * inputs (row stride H*D), so nothing is transposed: per batch, one strided-batched GEMM over the heads
 * makes the scores, the mask is added and the rows soft-maxed in place, and a second GEMM writes the
 * context straight into the packed output. Immutable.
 */
final class MultiHeadAttentionKernel implements Kernel {
    private static final int ADD = 0;
    private final CudaDevice device;
    private final long heads;
    private final float scale;

    MultiHeadAttentionKernel(KernelRequest request, CudaDevice device) {
        this.device = device;
        this.heads = request.node().getInt("num_heads", 0);
        this.scale = request.node().getFloat("scale", Float.NaN);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor q = ctx.tensor(0);
        Tensor k = ctx.tensor(1);
        Tensor v = ctx.tensor(2);
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || q.dim(2) % heads != 0 || k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0)
                || k.dim(2) != q.dim(2) || v.dim(2) != q.dim(2) || v.dim(1) != k.dim(1)) {
            throw new InvalidInputException("MultiHeadAttention: inconsistent shapes q " + q.describe() + ", k " + k.describe()
                    + ", v " + v.describe() + " for " + heads + " heads");
        }
        long b = q.dim(0);
        long sq = q.dim(1);
        long sk = k.dim(1);
        long w = q.dim(2);
        long d = w / heads;
        DevicePointer pq = device.in(ctx, 0);
        DevicePointer pk = device.in(ctx, 1);
        DevicePointer pv = device.in(ctx, 2);
        Tensor scores = ctx.allocate(DType.FLOAT, Shape.of(b, heads, sq, sk));
        DevicePointer ps = device.address(scores);
        for (long i = 0; i < b; i++) {
            device.gemm(false, true, sq, sk, d, scale, pq.plus(i * sq * w * 4), w, d, pk.plus(i * sk * w * 4), w, d, 0f,
                    ps.plus(i * heads * sq * sk * 4), sk, sq * sk, heads);
        }
        long[] full = scores.dims();
        if (ctx.hasInput(3)) {
            Tensor mask = ctx.tensor(3);
            CudaStrides.broadcastShape("MultiHeadAttention mask", mask.dims(), full);
            CudaStrides st = CudaStrides.of(full, CudaStrides.contiguous(full), CudaStrides.broadcast(mask.dims(), full));
            device.launch("binary_f32", scores.elementCount(), ps, device.in(ctx, 3), ps, scores.elementCount(), ADD, st);
        }
        device.launchRows("softmax_f32", b * heads * sq, ps, ps, b * heads * sq, sk, 1L, 0);
        Tensor y = ctx.allocate(DType.FLOAT, q.shape());
        DevicePointer py = device.address(y);
        for (long i = 0; i < b; i++) {
            device.gemm(false, false, sq, d, sk, 1f, ps.plus(i * heads * sq * sk * 4), sk, sq * sk, pv.plus(i * sk * w * 4), w, d, 0f,
                    py.plus(i * sq * w * 4), w, d, heads);
        }
        ctx.setOutput(0, y);
    }
}
