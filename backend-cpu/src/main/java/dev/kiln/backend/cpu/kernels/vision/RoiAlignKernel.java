package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * RoiAlign (opsets 10 to 22): each region of interest (x1, y1, x2, y2) is split into output_height x output_width bins,
 * each averaged (or max-pooled) over a regular grid of bilinear samples. {@code half_pixel} shifts by half a pixel;
 * {@code output_half_pixel} (the opset 10 behavior) keeps regions at least one pixel wide.
 */
final class RoiAlignKernel implements Kernel {
    private final boolean max;
    private final boolean halfPixel;
    private final int outH;
    private final int outW;
    /** Work bound per ROI: far beyond real detectors (a 7x7 output of 256 channels sampled 64x64 per bin is 2^26). */
    private static final long MAX_SAMPLES_PER_ROI = 1L << 34;
    private final int samplingRatio;
    private final double scale;

    RoiAlignKernel(KernelRequest request) {
        this.max = Args.choice(request, "mode", "avg", "avg", "max").equals("max");
        this.halfPixel = Args.choice(request, "coordinate_transformation_mode", request.opsetVersion() >= 16 ? "half_pixel" : "output_half_pixel",
                "half_pixel", "output_half_pixel").equals("half_pixel");
        this.outH = (int) request.node().getInt("output_height", 1);
        this.outW = (int) request.node().getInt("output_width", 1);
        this.samplingRatio = (int) request.node().getInt("sampling_ratio", 0);
        this.scale = request.node().getFloat("spatial_scale", 1f);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor rois = ctx.tensor(1);
        long[] batch = Args.longs(ctx.tensor(2), "RoiAlign batch_indices");
        int[] xd = x.shape().intDims();
        if (xd.length != 4 || rois.rank() != 2 || rois.dim(1) != 4 || rois.dim(0) != batch.length) {
            throw new InvalidInputException("RoiAlign: expected X [N, C, H, W], rois [R, 4], batch_indices [R], got " + x.describe()
                    + ", " + rois.describe() + ", " + ctx.tensor(2).describe());
        }
        int c = xd[1];
        int h = xd[2];
        int w = xd[3];
        double[] in = TensorArrays.doubles(x);
        double[] r = TensorArrays.doubles(rois);
        double[] out = new double[batch.length * c * outH * outW];
        double offset = halfPixel ? 0.5 : 0;
        for (int n = 0; n < batch.length; n++) {
            if (batch[n] < 0 || batch[n] >= xd[0]) {
                throw new InvalidInputException("RoiAlign batch_indices[" + n + "] = " + batch[n] + ": expected [0, " + xd[0] + ")");
            }
            double x0 = r[n * 4] * scale - offset;
            double y0 = r[n * 4 + 1] * scale - offset;
            double roiW = r[n * 4 + 2] * scale - offset - x0;
            double roiH = r[n * 4 + 3] * scale - offset - y0;
            if (!halfPixel) {
                roiW = Math.max(roiW, 1);
                roiH = Math.max(roiH, 1);
            }
            double binH = roiH / outH;
            double binW = roiW / outW;
            int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH);
            int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW);
            // a huge sampling_ratio or ROI would make this loop run for days: refuse it as a resource bomb
            double samples = (double) gridH * gridW * c * outH * outW;
            if (gridH < 0 || gridW < 0 || samples > MAX_SAMPLES_PER_ROI) {
                throw new dev.kiln.api.ExecutionException("RoiAlign: ROI " + n + " would take " + (long) samples + " samples (a "
                        + gridH + "x" + gridW + " grid per bin); at most " + MAX_SAMPLES_PER_ROI + " are allowed");
            }
            int count = Math.max(gridH * gridW, 1);
            for (int ch = 0; ch < c; ch++) {
                int plane = (int) ((batch[n] * c + ch) * h * w);
                for (int ph = 0; ph < outH; ph++) {
                    for (int pw = 0; pw < outW; pw++) {
                        double acc = 0;
                        boolean first = true;
                        for (int iy = 0; iy < gridH; iy++) {
                            double yy = y0 + ph * binH + (iy + 0.5) * binH / gridH;
                            for (int ix = 0; ix < gridW; ix++) {
                                double xx = x0 + pw * binW + (ix + 0.5) * binW / gridW;
                                double v = sample(in, plane, h, w, yy, xx);
                                acc = max ? (first ? v : Math.max(acc, v)) : acc + v;
                                first = false;
                            }
                        }
                        out[((n * c + ch) * outH + ph) * outW + pw] = max ? acc : acc / count;
                    }
                }
            }
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(batch.length, c, outH, outW));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    /** Bilinear value at (y, x), clamped at the far edges; zero beyond one pixel outside. Max mode keeps the largest weighted corner. */
    private double sample(double[] in, int plane, int h, int w, double y, double x) {
        if (y < -1 || y > h || x < -1 || x > w) {
            return 0;
        }
        y = Math.max(y, 0);
        x = Math.max(x, 0);
        int yLo = (int) y;
        int xLo = (int) x;
        int yHi = yLo + 1;
        int xHi = xLo + 1;
        if (yLo >= h - 1) {
            yLo = yHi = h - 1;
            y = yLo;
        }
        if (xLo >= w - 1) {
            xLo = xHi = w - 1;
            x = xLo;
        }
        double ly = y - yLo;
        double lx = x - xLo;
        double v1 = (1 - ly) * (1 - lx) * in[plane + yLo * w + xLo];
        double v2 = (1 - ly) * lx * in[plane + yLo * w + xHi];
        double v3 = ly * (1 - lx) * in[plane + yHi * w + xLo];
        double v4 = ly * lx * in[plane + yHi * w + xHi];
        return max ? Math.max(Math.max(v1, v2), Math.max(v3, v4)) : v1 + v2 + v3 + v4;
    }
}
