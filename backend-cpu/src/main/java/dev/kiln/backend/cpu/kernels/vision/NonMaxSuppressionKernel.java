package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.ArrayList;
import java.util.List;

/**
 * NonMaxSuppression (opsets 10, 11): per batch and class, greedily keeps the highest-scoring boxes whose score
 * exceeds {@code score_threshold} and whose IoU with every kept box is at most {@code iou_threshold}, up to
 * {@code max_output_boxes_per_class}. Output int64 {@code [selected, 3]} rows of (batch, class, box).
 */
final class NonMaxSuppressionKernel implements Kernel {
    private final boolean centerPoint;

    NonMaxSuppressionKernel(boolean centerPoint) {
        this.centerPoint = centerPoint;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor boxes = ctx.tensor(0);
        Tensor scores = ctx.tensor(1);
        int[] bd = boxes.shape().intDims();
        int[] sd = scores.shape().intDims();
        if (bd.length != 3 || bd[2] != 4 || sd.length != 3 || sd[0] != bd[0] || sd[2] != bd[1]) {
            throw new InvalidInputException("NonMaxSuppression: expected boxes [B, S, 4] and scores [B, C, S], got "
                    + boxes.describe() + " and " + scores.describe());
        }
        long maxOut = optional(ctx, 2) ? Args.scalarLong(ctx.tensor(2), "max_output_boxes_per_class") : 0;
        double iouThreshold = optional(ctx, 3) ? ctx.tensor(3).getDouble(0) : 0;
        boolean hasScoreThreshold = optional(ctx, 4);
        double scoreThreshold = hasScoreThreshold ? ctx.tensor(4).getDouble(0) : 0;
        double[] b = TensorArrays.doubles(boxes);
        double[] s = TensorArrays.doubles(scores);
        int spatial = bd[1];
        List<long[]> selected = new ArrayList<>();
        for (int batch = 0; batch < bd[0]; batch++) {
            for (int cls = 0; cls < sd[1]; cls++) {
                int sBase = (batch * sd[1] + cls) * spatial;
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < spatial; i++) {
                    if (!hasScoreThreshold || s[sBase + i] > scoreThreshold) {
                        order.add(i);
                    }
                }
                order.sort((p, q) -> Double.compare(s[sBase + q], s[sBase + p]));
                List<Integer> kept = new ArrayList<>();
                for (int i : order) {
                    if (kept.size() >= maxOut) {
                        break;
                    }
                    boolean keep = true;
                    for (int k : kept) {
                        if (iou(b, (batch * spatial + i) * 4, (batch * spatial + k) * 4) > iouThreshold) {
                            keep = false;
                            break;
                        }
                    }
                    if (keep) {
                        kept.add(i);
                        selected.add(new long[] {batch, cls, i});
                    }
                }
            }
        }
        long[] out = new long[selected.size() * 3];
        for (int i = 0; i < selected.size(); i++) {
            System.arraycopy(selected.get(i), 0, out, i * 3, 3);
        }
        ctx.setOutput(0, Tensor.of(out, selected.size(), 3));
    }

    private static boolean optional(KernelContext ctx, int i) {
        return ctx.inputCount() > i && ctx.hasInput(i) && ctx.tensor(i).elementCount() > 0;
    }

    private double iou(double[] b, int p, int q) {
        double[] e1 = corners(b, p);
        double[] e2 = corners(b, q);
        double area1 = (e1[2] - e1[0]) * (e1[3] - e1[1]);
        double area2 = (e2[2] - e2[0]) * (e2[3] - e2[1]);
        if (area1 <= 0 || area2 <= 0) {
            return 0;
        }
        double h = Math.min(e1[2], e2[2]) - Math.max(e1[0], e2[0]);
        double w = Math.min(e1[3], e2[3]) - Math.max(e1[1], e2[1]);
        if (h <= 0 || w <= 0) {
            return 0;
        }
        double inter = h * w;
        return inter / (area1 + area2 - inter);
    }

    /** (lo0, lo1, hi0, hi1) whatever the box encoding and corner order. */
    private double[] corners(double[] b, int o) {
        if (centerPoint) {
            double xc = b[o];
            double yc = b[o + 1];
            double w = b[o + 2] / 2;
            double h = b[o + 3] / 2;
            return new double[] {yc - h, xc - w, yc + h, xc + w};
        }
        return new double[] {Math.min(b[o], b[o + 2]), Math.min(b[o + 1], b[o + 3]), Math.max(b[o], b[o + 2]),
            Math.max(b[o + 1], b[o + 3])};
    }
}
