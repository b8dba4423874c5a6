package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * TopK: each row along the axis is stably sorted by value (largest or smallest first), so equal values keep
 * ascending index order, and the first k are kept. Outputs are always sorted, which 'sorted=0' permits.
 */
public final class TopKKernel implements Kernel {
    private final long axis;
    private final boolean largest;
    private final CpuExecution execution;

    public TopKKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", -1);
        this.largest = request.node().getInt("largest", 1) != 0;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!NumericArrays.numeric(x.dtype()) || x.dtype() == DType.BOOL) {
            throw new InvalidInputException("input 'X': expected a numeric tensor, got " + x.describe());
        }
        int a = Args.axis(axis, x.rank(), "attribute 'axis'");
        long k = Args.scalarLong(ctx.tensor(1), "input 'K'");
        int[] dims = x.shape().intDims();
        int n = dims[a];
        if (k < 0 || k > n) {
            throw new InvalidInputException("input 'K': expected a value in [0, " + n + "] (axis " + a + " of " + x.describe()
                    + "), got " + k);
        }
        int kk = (int) k;
        long[] outDims = x.dims();
        outDims[a] = kk;
        Tensor values = ctx.allocate(x.dtype(), Shape.of(outDims));
        Tensor indices = ctx.allocate(DType.INT64, Shape.of(outDims));
        int outer = Args.product(dims, 0, a);
        int inner = Args.product(dims, a + 1, dims.length);
        Object keys = NumericArrays.orderKeys(x);
        int sign = largest ? -1 : 1;
        int[] offsets = new int[values.size()];
        long[] idx = indices.longData();
        execution.parallelFor(outer * inner, (long) n * 8, (s, e) -> {
            int[] order = new int[n];
            for (int row = s; row < e; row++) {
                int base = (row / inner) * n * inner + row % inner;
                // a total order: better value first, then lower index, so ties keep ascending index order
                IndexSort.Order better = (p, q) -> {
                    int c = sign * NumericArrays.compare(keys, base + p * inner, base + q * inner);
                    return c != 0 ? c : Integer.compare(p, q);
                };
                int kept = select(order, n, kk, better);
                IndexSort.sort(order, 0, kept, better);
                int outBase = (row / inner) * kk * inner + row % inner;
                for (int j = 0; j < kk; j++) {
                    idx[outBase + j * inner] = order[j];
                    offsets[outBase + j * inner] = base + order[j] * inner;
                }
            }
        });
        Elements.gather(x.data(), 0, offsets, 0, offsets.length, values.data(), 0);
        ctx.setOutput(0, values);
        if (ctx.isOutputRequested(1)) {
            ctx.setOutput(1, indices);
        }
    }

    /**
     * Puts the k best of indices [0, n) first in {@code order} and returns how many to sort: all n when k is
     * a large share of n, else only k, found with a bounded heap whose root is the worst kept so far.
     */
    private static int select(int[] order, int n, int k, IndexSort.Order better) {
        if (k * 8L >= n) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            return n;
        }
        if (k == 0) {
            return 0;
        }
        for (int i = 0; i < k; i++) {
            order[i] = i;
            siftUp(order, i, better);
        }
        for (int i = k; i < n; i++) {
            if (better.compare(i, order[0]) < 0) {
                order[0] = i;
                siftDown(order, k, better);
            }
        }
        return k;
    }

    private static void siftUp(int[] heap, int at, IndexSort.Order better) {
        int v = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (better.compare(heap[parent], v) >= 0) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = v;
    }

    private static void siftDown(int[] heap, int size, IndexSort.Order better) {
        int v = heap[0];
        int at = 0;
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && better.compare(heap[child + 1], heap[child]) > 0) {
                child++;
            }
            if (better.compare(heap[child], v) <= 0) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = v;
    }
}
