package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * The geometry shared by the cumulative ops (CumSum, CumProd): the numeric input x (input 0) viewed as
 * {@code outer x length x inner} around the axis given by input 1, so element (o, s, i) sits at
 * {@code (o * length + s) * inner + i}. Immutable.
 */
record ScanAxis(Tensor x, int outer, int length, int inner) {
    /** Reads and checks inputs 0 and 1 of a cumulative op. */
    static ScanAxis of(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType t = x.dtype();
        if (!NumericArrays.numeric(t) || t == DType.BOOL) {
            throw new InvalidInputException("input 'x': expected a numeric tensor, got " + x.describe());
        }
        int a = Args.axis(Args.scalarLong(ctx.tensor(1), "input 'axis'"), x.rank(), "input 'axis'");
        int[] dims = x.shape().intDims();
        return new ScanAxis(x, Args.product(dims, 0, a), dims[a], Args.product(dims, a + 1, dims.length));
    }

    /** The flat index of step {@code s} (counted from the end when {@code reverse}) of line (o, i). */
    int index(int o, int s, int i, boolean reverse) {
        return (o * length + (reverse ? length - 1 - s : s)) * inner + i;
    }
}
