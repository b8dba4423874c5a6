package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * Gather: each (outer index, gathered index) pair copies one contiguous run of the axes after {@code axis}
 * (an embedding row, say); gathering along the last axis falls back to an indexed element loop.
 */
public final class GatherKernel implements Kernel {
    private final long axis;
    private final CpuExecution execution;

    public GatherKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", 0);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor data = ctx.tensor(0);
        Tensor indices = ctx.tensor(1);
        int rank = data.rank();
        int a = Args.axis(axis, rank, "attribute 'axis'");
        long[] dd = data.dims();
        int[] idx = Indices.resolve(indices, dd[a], "input 'indices'");
        long[] shape = new long[rank - 1 + indices.rank()];
        int k = 0;
        for (int i = 0; i < a; i++) {
            shape[k++] = dd[i];
        }
        for (long d : indices.dims()) {
            shape[k++] = d;
        }
        for (int i = a + 1; i < rank; i++) {
            shape[k++] = dd[i];
        }
        Tensor y = ctx.allocate(data.dtype(), Shape.of(shape));
        int[] dims = Args.slotDims(data);
        int outer = Args.product(dims, 0, a);
        int inner = Args.product(dims, a + 1, dims.length);
        int axisDim = dims[a];
        int m = idx.length;
        Object src = data.data();
        Object dst = y.data();
        if (inner == 1) {
            execution.parallelFor(outer, Elements.copyCost(4L * m), (s, e) -> {
                for (int o = s; o < e; o++) {
                    Elements.gather(src, o * axisDim, idx, 0, m, dst, o * m);
                }
            });
        } else {
            execution.parallelFor(outer * m, Elements.copyCost(inner), (s, e) -> {
                for (int item = s; item < e; item++) {
                    int o = item / m;
                    Elements.copy(src, (o * axisDim + idx[item % m]) * inner, dst, item * inner, inner);
                }
            });
        }
        ctx.setOutput(0, y);
    }
}
