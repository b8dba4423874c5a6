package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * Resize: works out the output size and per-axis scale from 'scales' or 'sizes' (with axes and
 * keep_aspect_ratio_policy), builds each axis's taps ({@link ResizeAxis}), then resamples: nearest as a
 * pure gather (any element type), linear and cubic as one separable 1-D pass per resized axis.
 */
public final class ResizeKernel implements Kernel {
    private final ResizeAxis.Settings settings;
    private final long[] axesAttr;
    private final String aspectPolicy;
    private final double extrapolation;
    private final CpuExecution execution;

    public ResizeKernel(KernelRequest request, CpuExecution execution) {
        var node = request.node();
        String mode = Args.choice(request, "mode", "nearest", "nearest", "linear", "cubic");
        String coordinates = Args.choice(request, "coordinate_transformation_mode", "half_pixel", "half_pixel", "half_pixel_symmetric",
                "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize");
        String nearestMode = Args.choice(request, "nearest_mode", "round_prefer_floor", "round_prefer_floor", "round_prefer_ceil",
                "floor", "ceil");
        this.settings = new ResizeAxis.Settings(mode, coordinates, nearestMode, node.getFloat("cubic_coeff_a", -0.75f),
                node.getInt("exclude_outside", 0) != 0, node.getInt("antialias", 0) != 0);
        this.axesAttr = node.getInts("axes", null);
        this.aspectPolicy = Args.choice(request, "keep_aspect_ratio_policy", "stretch", "stretch", "not_larger", "not_smaller");
        this.extrapolation = node.getFloat("extrapolation_value", 0f);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        int[] axes = axesAttr == null ? identity(rank) : Args.axes(axesAttr, rank, "attribute 'axes'");
        int[] in = x.shape().intDims();
        double[] scale = new double[rank];
        long[] out = x.dims();
        Arrays.fill(scale, 1);
        Tensor scales = ctx.hasInput(2) && ctx.tensor(2).elementCount() > 0 ? ctx.tensor(2) : null;
        Tensor sizes = ctx.hasInput(3) && ctx.tensor(3).elementCount() > 0 ? ctx.tensor(3) : null;
        if ((scales == null) == (sizes == null)) {
            throw new InvalidInputException("inputs 'scales' and 'sizes': exactly one must be given");
        }
        if (scales != null) {
            checkLength(scales, axes.length, "scales");
            for (int i = 0; i < axes.length; i++) {
                double s = scales.getDouble(i);
                if (!(s > 0)) {
                    throw new InvalidInputException("input 'scales': values must be positive, got " + s);
                }
                scale[axes[i]] = s;
                out[axes[i]] = (long) Math.floor(in[axes[i]] * s);
            }
        } else {
            checkLength(sizes, axes.length, "sizes");
            long[] size = Args.longs(sizes, "input 'sizes'");
            for (int i = 0; i < axes.length; i++) {
                scale[axes[i]] = (double) size[i] / in[axes[i]];
                out[axes[i]] = size[i];
            }
            if (!aspectPolicy.equals("stretch")) {
                double s = aspectPolicy.equals("not_larger") ? Double.POSITIVE_INFINITY : 0;
                for (int a : axes) {
                    s = aspectPolicy.equals("not_larger") ? Math.min(s, scale[a]) : Math.max(s, scale[a]);
                }
                for (int a : axes) {
                    scale[a] = s;
                    out[a] = (long) Math.floor(s * in[a] + 0.5);
                }
            }
        }
        double[] roi = roi(ctx, rank, axes);
        Tensor y = ctx.allocate(x.dtype(), Args.outputShape(out, "the 'scales' or 'sizes' input"));
        if (y.elementCount() == 0) {
            ctx.setOutput(0, y);
            return;
        }
        if (x.elementCount() == 0) {
            throw new InvalidInputException("input 'X' " + x.describe() + " is empty but the output " + y.describe() + " is not");
        }
        ResizeAxis[] plan = new ResizeAxis[rank];
        for (int k = 0; k < rank; k++) {
            plan[k] = ResizeAxis.build(settings, in[k], (int) out[k], scale[k], roi[k], roi[rank + k]);
        }
        if (settings.mode().equals("nearest")) {
            ResizeSampling.nearest(x, plan, y, execution);
        } else {
            ResizeSampling.filter(x, plan, y, execution);
        }
        ResizeSampling.extrapolate(plan, extrapolation, y);
        ctx.setOutput(0, y);
    }

    /** The crop box per axis as [starts..., ends...] over all axes; the full range where not given. */
    private double[] roi(KernelContext ctx, int rank, int[] axes) {
        double[] roi = new double[2 * rank];
        Arrays.fill(roi, rank, 2 * rank, 1);
        if (settings.coordinates().equals("tf_crop_and_resize") && ctx.hasInput(1) && ctx.tensor(1).elementCount() > 0) {
            Tensor r = ctx.tensor(1);
            checkLength(r, 2 * axes.length, "roi");
            for (int i = 0; i < axes.length; i++) {
                roi[axes[i]] = r.getDouble(i);
                roi[rank + axes[i]] = r.getDouble(axes.length + i);
            }
        }
        return roi;
    }

    private static void checkLength(Tensor t, int expected, String name) {
        if (t.rank() != 1 || t.elementCount() != expected) {
            throw new InvalidInputException("input '" + name + "': expected " + expected + " values (one per resized axis"
                    + (name.equals("roi") ? ", start and end" : "") + "), got " + t.describe());
        }
    }

    private static int[] identity(int rank) {
        int[] a = new int[rank];
        Arrays.setAll(a, i -> i);
        return a;
    }
}
