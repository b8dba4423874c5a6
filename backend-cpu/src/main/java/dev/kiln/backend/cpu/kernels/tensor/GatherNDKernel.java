package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * GatherND: each k-tuple of 'indices' (within its batch) addresses one contiguous slice of 'data', copied
 * as a block. Also gives ScatterND its tuple addressing via {@link #tupleOffsets}.
 */
public final class GatherNDKernel implements Kernel {
    private final long batchDims;
    private final CpuExecution execution;

    public GatherNDKernel(KernelRequest request, CpuExecution execution) {
        this.batchDims = request.node().getInt("batch_dims", 0);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor data = ctx.tensor(0);
        Tensor indices = ctx.tensor(1);
        int r = data.rank();
        int q = indices.rank();
        int b = (int) batchDims;
        if (b < 0 || b >= Math.min(r, q)) {
            throw new InvalidInputException("attribute 'batch_dims' " + batchDims + ": expected a value in [0, "
                    + (Math.min(r, q) - 1) + "] for 'data' " + data.describe() + " and 'indices' " + indices.describe());
        }
        for (int i = 0; i < b; i++) {
            if (data.dim(i) != indices.dim(i)) {
                throw new InvalidInputException("input 'indices' " + indices.describe() + ": batch dimension " + i
                        + " must equal that of 'data' " + data.describe());
            }
        }
        int k = q == 0 ? 0 : (int) indices.dim(q - 1);
        if (k > r - b) {
            throw new InvalidInputException("input 'indices' " + indices.describe() + ": tuples of " + k + " exceed the "
                    + (r - b) + " indexable dimensions of 'data' " + data.describe());
        }
        long[] shape = new long[q - 1 + r - b - k];
        int s = 0;
        for (int i = 0; i < q - 1; i++) {
            shape[s++] = indices.dim(i);
        }
        for (int i = b + k; i < r; i++) {
            shape[s++] = data.dim(i);
        }
        Tensor y = ctx.allocate(data.dtype(), Shape.of(shape));
        int slots = data.dtype().slotsPerElement();
        int[] dd = data.shape().intDims();
        int inner = Args.product(dd, b + k, r) * slots;
        int[] offsets = tupleOffsets(data, indices, b);
        Object src = data.data();
        Object dst = y.data();
        if (inner == 1) {
            Elements.gather(src, 0, offsets, 0, offsets.length, dst, 0);
        } else {
            execution.parallelFor(offsets.length, Elements.copyCost(inner), (from, to) -> {
                for (int t = from; t < to; t++) {
                    Elements.copy(src, offsets[t] * slots, dst, t * inner, inner);
                }
            });
        }
        ctx.setOutput(0, y);
    }

    /** The element offset into 'data' of the slice each index tuple addresses (tuples in row-major order). */
    static int[] tupleOffsets(Tensor data, Tensor indices, int batchDims) {
        int q = indices.rank();
        int k = (int) indices.dim(q - 1);
        int[] dd = data.shape().intDims();
        int[] strides = StridedCopy.contiguousStrides(dd);
        long[] raw = Indices.raw(indices, "input 'indices'");
        int tuples = k == 0 ? Args.product(indices.shape().intDims(), 0, q - 1) : raw.length / k;
        int perBatch = Args.product(indices.shape().intDims(), batchDims, q - 1);
        int batchStride = batchDims == 0 ? 0 : strides[batchDims - 1];
        int[] out = new int[tuples];
        for (int t = 0; t < tuples; t++) {
            int off = perBatch == 0 ? 0 : (t / perBatch) * batchStride;
            for (int j = 0; j < k; j++) {
                off += Indices.resolve(raw[t * k + j], dd[batchDims + j], "input 'indices'") * strides[batchDims + j];
            }
            out[t] = off;
        }
        return out;
    }
}
