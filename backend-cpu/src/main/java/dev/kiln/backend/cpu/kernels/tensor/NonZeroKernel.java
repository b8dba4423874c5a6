package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** NonZero: int64 [rank, count] coordinates of the non-zero elements in row-major order (a scalar counts as rank 1). */
public final class NonZeroKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int n = x.size();
        int slots = x.dtype().slotsPerElement();
        Object data = x.data();
        int[] hits = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean zero = true;
            for (int s = 0; s < slots; s++) {
                zero &= Elements.isZero(data, i * slots + s);
            }
            if (!zero) {
                hits[count++] = i;
            }
        }
        int rank = Math.max(1, x.rank());
        int[] dims = x.rank() == 0 ? new int[] {1} : x.shape().intDims();
        Tensor y = ctx.allocate(DType.INT64, Shape.of(rank, count));
        long[] out = y.longData();
        for (int c = 0; c < count; c++) {
            int rest = hits[c];
            for (int k = rank - 1; k >= 0; k--) {
                out[k * count + c] = rest % dims[k];
                rest /= dims[k];
            }
        }
        ctx.setOutput(0, y);
    }
}
