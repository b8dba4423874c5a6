package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * AffineGrid (opset 20): for theta {@code [N, 2, 3]} and size {@code (N, C, H, W)} gives {@code [N, H, W, 2]}
 * (3-D: {@code [N, 3, 4]}, {@code (N, C, D, H, W)}, {@code [N, D, H, W, 3]}) of theta times the normalized
 * base coordinates (x, y[, z], 1), x running over the innermost dimension.
 */
final class AffineGridKernel implements Kernel {
    private final boolean alignCorners;

    AffineGridKernel(boolean alignCorners) {
        this.alignCorners = alignCorners;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor theta = ctx.tensor(0);
        long[] size = Args.vector(ctx.tensor(1), "AffineGrid size");
        int r = size.length - 2;
        int[] td = theta.shape().intDims();
        if ((r != 2 && r != 3) || td.length != 3 || td[0] != size[0] || td[1] != r || td[2] != r + 1) {
            throw new InvalidInputException("AffineGrid: expected theta [N, r, r+1] with size (N, C, spatial r in {2, 3}), got "
                    + theta.describe() + " and size of " + size.length + " values");
        }
        int n = td[0];
        int[] spatial = new int[r];
        for (int d = 0; d < r; d++) {
            spatial[d] = Args.size(size[d + 2], "AffineGrid size[" + (d + 2) + "]");
        }
        long[] outDims = new long[r + 2];
        outDims[0] = n;
        for (int d = 0; d < r; d++) {
            outDims[d + 1] = spatial[d];
        }
        outDims[r + 1] = r;
        // the output first: an absurd size fails against the run's memory budget before any work
        Tensor y = ctx.allocate(theta.dtype(), Shape.of(outDims));
        int points = Args.product(spatial, 0, r);
        ctx.reserveScratch(8 * y.elementCount(), "the float64 grid");
        double[] t = TensorArrays.doubles(theta);
        double[] out = new double[Math.toIntExact(y.elementCount())];
        int[] idx = new int[r];
        double[] base = new double[r + 1];
        base[r] = 1;
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < points; p++) {
                if ((p & 0xFFFF) == 0) {
                    ctx.checkCancelled();
                }
                Col2ImKernel.unravel(p, spatial, idx);
                for (int d = 0; d < r; d++) {
                    // base component d is x, y, z: the innermost spatial dimension first
                    int dim = r - 1 - d;
                    base[d] = coordinate(idx[dim], spatial[dim]);
                }
                for (int row = 0; row < r; row++) {
                    double s = 0;
                    for (int col = 0; col <= r; col++) {
                        s += t[(b * r + row) * (r + 1) + col] * base[col];
                    }
                    out[(b * points + p) * r + row] = s;
                }
            }
        }
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    private double coordinate(int i, int n) {
        if (alignCorners) {
            return n == 1 ? -1 : -1 + 2.0 * i / (n - 1);
        }
        return (2.0 * i + 1) / n - 1;
    }
}
