package dev.kiln.runtime.train;

import dev.kiln.api.tensor.Tensor;

/** Accuracy counting on host tensors. Stateless. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Rows predicted right: argmax of prediction equals argmax of label over the last axis, or, with one
     * output per row, both on the same side of 0.5.
     */
    public static int correct(Tensor prediction, Tensor label) {
        float[] p = prediction.toFloatArray();
        float[] y = label.toFloatArray();
        int width = (int) prediction.dim(prediction.rank() - 1);
        int rows = p.length / width;
        int right = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            if (width == 1) {
                right += (p[o] >= 0.5f) == (y[o] >= 0.5f) ? 1 : 0;
            } else {
                right += argmax(p, o, width) == argmax(y, o, width) ? 1 : 0;
            }
        }
        return right;
    }

    /** Index of the largest of {@code a[offset..offset+n)} relative to offset (first on ties). */
    public static int argmax(float[] a, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[offset + i] > a[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
