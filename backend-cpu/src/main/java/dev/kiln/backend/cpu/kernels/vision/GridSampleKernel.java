package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * GridSample (opsets 16 to 22) over any number of spatial dimensions: X {@code [N, C, D1..Dr]} sampled at the
 * normalized points of grid {@code [N, O1..Or, r]} whose last axis lists coordinates innermost dimension first.
 * Modes nearest (round half to even), linear/bilinear and cubic/bicubic (A = -0.75); padding zeros, border or
 * reflection. Thread-safe: state is per call.
 */
final class GridSampleKernel implements Kernel {
    private static final double CUBIC_A = -0.75;

    private enum Mode { NEAREST, LINEAR, CUBIC }

    private final Mode mode;
    private final SamplePadding padding;
    private final boolean alignCorners;
    private final CpuExecution execution;

    GridSampleKernel(KernelRequest request, CpuExecution execution) {
        String m = Args.choice(request, "mode", request.opsetVersion() >= 20 ? "linear" : "bilinear",
                "linear", "bilinear", "nearest", "cubic", "bicubic");
        this.mode = m.equals("nearest") ? Mode.NEAREST : m.endsWith("linear") ? Mode.LINEAR : Mode.CUBIC;
        String p = Args.choice(request, "padding_mode", "zeros", "zeros", "border", "reflection");
        this.alignCorners = request.node().getInt("align_corners", 0) != 0;
        this.padding = new SamplePadding(p, alignCorners);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor grid = ctx.tensor(1);
        int r = x.rank() - 2;
        int[] xd = x.shape().intDims();
        int[] gd = grid.shape().intDims();
        if (r < 1 || grid.rank() != r + 2 || gd[0] != xd[0] || gd[r + 1] != r) {
            throw new InvalidInputException("GridSample grid: expected [" + xd[0] + ", out dims (" + r + "), " + r + "] for X "
                    + x.describe() + ", got " + grid.describe());
        }
        int n = xd[0];
        int c = xd[1];
        int[] size = java.util.Arrays.copyOfRange(xd, 2, xd.length);
        int inPlane = Args.product(xd, 2, xd.length);
        int outPlane = Args.product(gd, 1, r + 1);
        double[] in = TensorArrays.doubles(x);
        double[] g = TensorArrays.doubles(grid);
        double[] out = new double[n * c * outPlane];
        int taps = mode == Mode.NEAREST ? 1 : mode == Mode.LINEAR ? 2 : 4;
        execution.parallelFor(n * outPlane, (long) c * pow(taps, r) * 4, (start, end) -> {
            int[][] index = new int[r][taps];
            double[][] weight = new double[r][taps];
            int[] pick = new int[r];
            for (int p = start; p < end; p++) {
                int b = p / outPlane;
                for (int d = 0; d < r; d++) {
                    // grid's last axis runs x (innermost), y, z...
                    double coord = padding.denormalize(g[p * r + (r - 1 - d)], size[d]);
                    taps(coord, size[d], index[d], weight[d]);
                }
                for (int ch = 0; ch < c; ch++) {
                    int base = (b * c + ch) * inPlane;
                    double sum = 0;
                    java.util.Arrays.fill(pick, 0);
                    while (true) {
                        double w = 1;
                        int offset = 0;
                        boolean inside = true;
                        for (int d = 0; d < r; d++) {
                            int i = index[d][pick[d]];
                            inside &= i >= 0;
                            w *= weight[d][pick[d]];
                            offset = offset * size[d] + i;
                        }
                        if (inside && w != 0) {
                            sum += w * in[base + offset];
                        }
                        int d = r - 1;
                        while (d >= 0 && ++pick[d] == taps) {
                            pick[d--] = 0;
                        }
                        if (d < 0) {
                            break;
                        }
                    }
                    out[(b * c + ch) * outPlane + p % outPlane] = sum;
                }
            }
        });
        long[] outDims = new long[r + 2];
        outDims[0] = n;
        outDims[1] = c;
        for (int d = 0; d < r; d++) {
            outDims[d + 2] = gd[d + 1];
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outDims));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    /** Fills the source indices (-1 for a zero-padded tap) and weights of one dimension. */
    private void taps(double coord, int size, int[] index, double[] weight) {
        switch (mode) {
            case NEAREST -> {
                index[0] = padding.index((int) Math.rint(padding.adjust(coord, size)), size);
                weight[0] = 1;
            }
            case LINEAR -> {
                double c = padding.adjust(coord, size);
                double f = Math.floor(c);
                double t = c - f;
                index[0] = padding.index((int) f, size);
                index[1] = padding.index((int) f + 1, size);
                weight[0] = 1 - t;
                weight[1] = t;
            }
            default -> {
                double f = Math.floor(coord);
                double t = coord - f;
                for (int k = 0; k < 4; k++) {
                    index[k] = padding.index((int) f - 1 + k, size);
                }
                weight[0] = ((CUBIC_A * (t + 1) - 5 * CUBIC_A) * (t + 1) + 8 * CUBIC_A) * (t + 1) - 4 * CUBIC_A;
                weight[1] = ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
                double s = 1 - t;
                weight[2] = ((CUBIC_A + 2) * s - (CUBIC_A + 3)) * s * s + 1;
                weight[3] = 1 - weight[0] - weight[1] - weight[2];
            }
        }
    }

    private static long pow(int base, int exp) {
        long p = 1;
        for (int i = 0; i < exp; i++) {
            p *= base;
        }
        return p;
    }
}
