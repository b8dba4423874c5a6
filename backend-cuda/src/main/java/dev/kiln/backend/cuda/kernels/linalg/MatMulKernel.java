package dev.kiln.backend.cuda.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;
import dev.kiln.backend.cuda.DevicePointer;
import java.util.Arrays;

/**
 * MatMul of float32 tensors with numpy semantics (1-D operands promoted and the added axis dropped, batch
 * axes broadcast) on cuBLAS. A weight-like B (no batch, or batch of one) becomes one GEMM over all rows of
 * A; equal batches one strided-batched GEMM; a batch of one is reused with stride 0; other broadcasts are
 * materialised first. Immutable.
 */
class MatMulKernel implements Kernel {
    final CudaDevice device;

    MatMulKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, product(ctx));
    }

    /** A x B as a new tensor (FusedMatMul continues from it). */
    Tensor product(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        long[] ad = a.rank() == 1 ? new long[] {1, a.dim(0)} : a.dims();
        long[] bd = b.rank() == 1 ? new long[] {b.dim(0), 1} : b.dims();
        if (a.rank() == 0 || b.rank() == 0 || ad[ad.length - 1] != bd[bd.length - 2]) {
            throw new InvalidInputException("MatMul: inner dimensions differ: " + a.describe() + " times " + b.describe());
        }
        long m = ad[ad.length - 2];
        long k = ad[ad.length - 1];
        long n = bd[bd.length - 1];
        long[] batchA = Arrays.copyOf(ad, ad.length - 2);
        long[] batchB = Arrays.copyOf(bd, bd.length - 2);
        long[] batch = CudaStrides.broadcastShape("MatMul", batchA, batchB);
        long count = product(batch);
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(outputDims(a.rank(), b.rank(), batch, m, n)));
        DevicePointer pa = device.in(ctx, 0);
        DevicePointer pb = device.in(ctx, 1);
        DevicePointer py = device.address(y);
        if (product(batchB) == 1 && Arrays.equals(leftPad(batchA, batch.length), batch)) {
            device.gemm(false, false, count * m, n, k, 1f, pa, 0, pb, 0, 0f, py, 0, 1);
            return y;
        }
        long strideA = m * k;
        long strideB = k * n;
        if (product(batchA) == 1) {
            strideA = 0;
        } else if (!Arrays.equals(leftPad(batchA, batch.length), batch)) {
            pa = device.address(CudaCopies.expand(device, ctx, DType.FLOAT, ad, pa, concat(batch, m, k)));
        }
        if (product(batchB) == 1) {
            strideB = 0;
        } else if (!Arrays.equals(leftPad(batchB, batch.length), batch)) {
            pb = device.address(CudaCopies.expand(device, ctx, DType.FLOAT, bd, pb, concat(batch, k, n)));
        }
        device.gemm(false, false, m, n, k, 1f, pa, strideA, pb, strideB, 0f, py, m * n, count);
        return y;
    }

    private static long[] outputDims(int rankA, int rankB, long[] batch, long m, long n) {
        long[] out = concat(batch, m, n);
        if (rankA == 1 && rankB == 1) {
            return new long[0];
        }
        if (rankA == 1) {
            return remove(out, out.length - 2);
        }
        if (rankB == 1) {
            return remove(out, out.length - 1);
        }
        return out;
    }

    private static long[] remove(long[] d, int axis) {
        long[] r = new long[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i != axis) {
                r[j++] = d[i];
            }
        }
        return r;
    }

    private static long[] concat(long[] batch, long x, long y) {
        long[] r = Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = x;
        r[batch.length + 1] = y;
        return r;
    }

    private static long[] leftPad(long[] d, int rank) {
        long[] r = new long[rank];
        Arrays.fill(r, 1);
        System.arraycopy(d, 0, r, rank - d.length, d.length);
        return r;
    }

    private static long product(long[] d) {
        long p = 1;
        for (long v : d) {
            p *= v;
        }
        return p;
    }
}
