package dev.kiln.example;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/**
 * ONNX MatMul (numpy matmul semantics): 1-D operands are promoted and the added dimension removed again,
 * batch dimensions broadcast. Each output row accumulates in double. Stateless, thread-safe.
 */
final class ExampleMatMul {
    private ExampleMatMul() {
    }

    static void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        long[] ad = a.rank() == 1 ? new long[] {1, a.dim(0)} : a.dims();
        long[] bd = b.rank() == 1 ? new long[] {b.dim(0), 1} : b.dims();
        if (a.rank() == 0 || b.rank() == 0) {
            throw new InvalidInputException("MatMul: inputs must have rank 1 or more, got " + a.describe() + " and " + b.describe());
        }
        int m = (int) ad[ad.length - 2];
        int k = (int) ad[ad.length - 1];
        int n = (int) bd[bd.length - 1];
        if (bd[bd.length - 2] != k) {
            throw new InvalidInputException("MatMul: inner dimensions differ: " + a.describe() + " times " + b.describe());
        }
        long[] batch = ExampleKernels.broadcast(ctx, Arrays.copyOf(ad, ad.length - 2), Arrays.copyOf(bd, bd.length - 2));
        long[] outDims = Arrays.copyOf(batch, batch.length + 2);
        outDims[batch.length] = m;
        outDims[batch.length + 1] = n;
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(result(outDims, a.rank() == 1, b.rank() == 1)));
        float[] out = ExampleKernels.floats(y);
        float[] x = ExampleKernels.floats(a);
        float[] w = ExampleKernels.floats(b);
        int[] sa = ExampleKernels.broadcastStrides(Arrays.copyOf(ad, ad.length - 2), batch);
        int[] sb = ExampleKernels.broadcastStrides(Arrays.copyOf(bd, bd.length - 2), batch);
        int batches = (int) Shape.of(batch).elementCount();
        double[] acc = new double[n];
        for (int p = 0; p < batches; p++) {
            int offA = 0;
            int offB = 0;
            for (int d = batch.length - 1, rest = p; d >= 0; d--) {
                int i = rest % (int) batch[d];
                rest /= (int) batch[d];
                offA += i * sa[d];
                offB += i * sb[d];
            }
            offA *= m * k;
            offB *= k * n;
            for (int i = 0; i < m; i++) {
                Arrays.fill(acc, 0);
                for (int t = 0; t < k; t++) {
                    double av = x[offA + i * k + t];
                    int row = offB + t * n;
                    for (int j = 0; j < n; j++) {
                        acc[j] += av * w[row + j];
                    }
                }
                int o = (p * m + i) * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] = (float) acc[j];
                }
            }
        }
        ctx.setOutput(0, y);
    }

    private static long[] result(long[] dims, boolean dropRow, boolean dropCol) {
        int r = dims.length;
        if (dropRow && dropCol) {
            return Arrays.copyOf(dims, r - 2);
        }
        if (dropRow) {
            long[] o = Arrays.copyOf(dims, r - 1);
            o[r - 2] = dims[r - 1];
            return o;
        }
        return dropCol ? Arrays.copyOf(dims, r - 1) : dims;
    }
}
