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
 * DeformConv (opsets 19, 22), 2-D: a convolution whose kernel taps are moved by per-position offsets
 * {@code [N, offset_group * 2 * kH * kW, oH, oW]} ((dy, dx) pairs), read by bilinear interpolation with zeros outside
 * the image, and scaled by the optional mask {@code [N, offset_group * kH * kW, oH, oW]}.
 */
final class DeformConvKernel implements Kernel {
    private final long[] dilations;
    private final long[] pads;
    private final long[] strides;
    private final int group;
    private final int offsetGroup;
    private final CpuExecution execution;

    DeformConvKernel(KernelRequest request, CpuExecution execution) {
        this.dilations = request.node().getInts("dilations", new long[] {1, 1});
        this.pads = request.node().getInts("pads", new long[] {0, 0, 0, 0});
        this.strides = request.node().getInts("strides", new long[] {1, 1});
        this.group = (int) request.node().getInt("group", 1);
        this.offsetGroup = (int) request.node().getInt("offset_group", 1);
        this.execution = execution;
        if (dilations.length != 2 || pads.length != 4 || strides.length != 2) {
            throw Args.unsupported(request, "only 2-D DeformConv is supported (dilations, strides of 2 values, pads of 4)");
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor wt = ctx.tensor(1);
        Tensor off = ctx.tensor(2);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != dev.kiln.api.tensor.DType.DOUBLE) {
            throw new InvalidInputException("DeformConv: X has element type " + x.dtype() + "; expected float32, float64, float16 or bfloat16");
        }
        int[] xd = x.shape().intDims();
        int[] wd = wt.shape().intDims();
        if (xd.length != 4 || wd.length != 4 || xd[1] != wd[1] * group || xd[1] % offsetGroup != 0) {
            throw new InvalidInputException("DeformConv: expected X [N, C, H, W] and W [M, C/group, kH, kW] (group " + group
                    + ", offset_group " + offsetGroup + "), got " + x.describe() + " and " + wt.describe());
        }
        int n = xd[0];
        int c = xd[1];
        int h = xd[2];
        int w = xd[3];
        int m = wd[0];
        int kh = wd[2];
        int kw = wd[3];
        int oh = (int) ((h + pads[0] + pads[2] - (dilations[0] * (kh - 1) + 1)) / strides[0] + 1);
        int ow = (int) ((w + pads[1] + pads[3] - (dilations[1] * (kw - 1) + 1)) / strides[1] + 1);
        if (off.elementCount() != (long) n * offsetGroup * 2 * kh * kw * oh * ow) {
            throw new InvalidInputException("DeformConv offset: expected [" + n + ", " + offsetGroup * 2 * kh * kw + ", " + oh + ", " + ow
                    + "], got " + off.describe());
        }
        double[] in = TensorArrays.doubles(x);
        double[] weights = TensorArrays.doubles(wt);
        double[] offsets = TensorArrays.doubles(off);
        double[] bias = ctx.inputCount() > 3 && ctx.hasInput(3) ? TensorArrays.doubles(ctx.tensor(3)) : null;
        double[] mask = ctx.inputCount() > 4 && ctx.hasInput(4) ? TensorArrays.doubles(ctx.tensor(4)) : null;
        int cPerGroup = c / group;
        int mPerGroup = m / group;
        int cPerOffset = c / offsetGroup;
        int taps = kh * kw;
        int positions = oh * ow;
        double[] out = new double[n * m * positions];
        execution.parallelFor(n * positions, (long) c * taps * m, (start, end) -> {
            double[] column = new double[c * taps];
            for (int p = start; p < end; p++) {
                int b = p / positions;
                int y = (p % positions) / ow;
                int xo = p % ow;
                for (int ch = 0; ch < c; ch++) {
                    int og = ch / cPerOffset;
                    for (int t = 0; t < taps; t++) {
                        int i = t / kw;
                        int j = t % kw;
                        int offBase = ((b * offsetGroup + og) * 2 * taps + 2 * t) * positions + y * ow + xo;
                        double sy = y * strides[0] - pads[0] + i * dilations[0] + offsets[offBase];
                        double sx = xo * strides[1] - pads[1] + j * dilations[1] + offsets[offBase + positions];
                        double v = bilinear(in, (b * c + ch) * h * w, h, w, sy, sx);
                        if (mask != null) {
                            v *= mask[((b * offsetGroup + og) * taps + t) * positions + y * ow + xo];
                        }
                        column[ch * taps + t] = v;
                    }
                }
                for (int oc = 0; oc < m; oc++) {
                    int g = oc / mPerGroup;
                    double s = bias == null ? 0 : bias[oc];
                    for (int ci = 0; ci < cPerGroup; ci++) {
                        int wBase = (oc * cPerGroup + ci) * taps;
                        int cBase = (g * cPerGroup + ci) * taps;
                        for (int t = 0; t < taps; t++) {
                            s += weights[wBase + t] * column[cBase + t];
                        }
                    }
                    out[(b * m + oc) * positions + p % positions] = s;
                }
            }
        });
        Tensor yT = ctx.allocate(x.dtype(), Shape.of(n, m, oh, ow));
        TensorArrays.store(out, yT);
        ctx.setOutput(0, yT);
    }

    /** Bilinear value with every corner outside the image reading zero. */
    private static double bilinear(double[] in, int plane, int h, int w, double y, double x) {
        if (y <= -1 || y >= h || x <= -1 || x >= w) {
            return 0;
        }
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double ly = y - y0;
        double lx = x - x0;
        return (1 - ly) * (1 - lx) * at(in, plane, h, w, y0, x0) + (1 - ly) * lx * at(in, plane, h, w, y0, x0 + 1)
                + ly * (1 - lx) * at(in, plane, h, w, y0 + 1, x0) + ly * lx * at(in, plane, h, w, y0 + 1, x0 + 1);
    }

    private static double at(double[] in, int plane, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0 : in[plane + y * w + x];
    }
}
