package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/**
 * Unique over elements or over slices along an axis. Items are stably sorted (slices lexicographically),
 * equal neighbours grouped, and the groups ordered by value ('sorted') or by first occurrence.
 */
public final class UniqueKernel implements Kernel {
    private final Long axis;
    private final boolean sorted;

    public UniqueKernel(KernelRequest request) {
        this.axis = request.node().hasAttribute("axis") ? request.node().getInt("axis", 0) : null;
        this.sorted = request.node().getInt("sorted", 1) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.dtype().isComplex()) {
            throw new InvalidInputException("input 'X': complex tensors have no order, got " + x.describe());
        }
        int[] dims = axis == null ? new int[] {x.size()} : x.shape().intDims();
        int a = axis == null ? 0 : Args.axis(axis, x.rank(), "attribute 'axis'");
        int m = dims[a];
        int outer = Args.product(dims, 0, a);
        int inner = Args.product(dims, a + 1, dims.length);
        Object keys = x.dtype() == DType.STRING ? x.stringData() : NumericArrays.orderKeys(x);
        IndexSort.Order byValue = (p, q) -> {
            for (int o = 0; o < outer; o++) {
                int bp = (o * m + p) * inner;
                int bq = (o * m + q) * inner;
                for (int r = 0; r < inner; r++) {
                    int c = keys instanceof String[] s ? s[bp + r].compareTo(s[bq + r]) : NumericArrays.compare(keys, bp + r, bq + r);
                    if (c != 0) {
                        return c;
                    }
                }
            }
            return 0;
        };
        int[] order = new int[m];
        Arrays.setAll(order, i -> i);
        IndexSort.sort(order, 0, m, byValue);
        int[] group = new int[m];
        int[] first = new int[m];
        long[] counts = new long[m];
        int groups = 0;
        for (int i = 0; i < m; i++) {
            if (i == 0 || byValue.compare(order[i - 1], order[i]) != 0) {
                first[groups++] = order[i];
            }
            group[order[i]] = groups - 1;
            counts[groups - 1]++;
        }
        int[] rank = new int[groups];
        int[] byRank = new int[groups];
        Arrays.setAll(byRank, g -> g);
        if (!sorted) {
            IndexSort.sort(byRank, 0, groups, (g, h) -> Integer.compare(first[g], first[h]));
        }
        for (int r = 0; r < groups; r++) {
            rank[byRank[r]] = r;
        }
        long[] outDims = axis == null ? new long[] {groups} : x.dims();
        outDims[a] = groups;
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outDims));
        for (int o = 0; o < outer; o++) {
            for (int r = 0; r < groups; r++) {
                Elements.copy(x.data(), (o * m + first[byRank[r]]) * inner, y.data(), (o * groups + r) * inner, inner);
            }
        }
        ctx.setOutput(0, y);
        if (ctx.isOutputRequested(1)) {
            long[] v = new long[groups];
            for (int r = 0; r < groups; r++) {
                v[r] = first[byRank[r]];
            }
            ctx.setOutput(1, Tensor.of(v, groups));
        }
        if (ctx.isOutputRequested(2)) {
            long[] v = new long[m];
            for (int i = 0; i < m; i++) {
                v[i] = rank[group[i]];
            }
            ctx.setOutput(2, Tensor.of(v, m));
        }
        if (ctx.isOutputRequested(3)) {
            long[] v = new long[groups];
            for (int r = 0; r < groups; r++) {
                v[r] = counts[byRank[r]];
            }
            ctx.setOutput(3, Tensor.of(v, groups));
        }
    }
}
