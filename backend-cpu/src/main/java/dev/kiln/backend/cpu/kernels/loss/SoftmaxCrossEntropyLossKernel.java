package dev.kiln.backend.cpu.kernels.loss;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * SoftmaxCrossEntropyLoss: log-softmax of scores (N, C, d1..dk) over the class axis, then the weighted
 * negative log likelihood of the labels. Output 1 (optional) is the log-probabilities in the scores' type.
 * Computes in double. Stateless and thread-safe.
 */
public final class SoftmaxCrossEntropyLossKernel implements Kernel {
    private final ClassLoss loss;

    public SoftmaxCrossEntropyLossKernel(KernelRequest request) {
        this.loss = new ClassLoss(request);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor scores = ctx.tensor(0);
        ClassLoss.requireFloating(scores, "scores");
        double[] logp = scores.toDoubleArray();
        if (scores.rank() >= 2) {
            logSoftmax(logp, (int) scores.dim(0), (int) scores.dim(1));
        }
        Tensor weight = ctx.inputCount() > 2 && ctx.hasInput(2) ? ctx.tensor(2) : null;
        loss.emit(ctx, scores, logp, ctx.tensor(1), weight);
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            Tensor lp = ctx.allocate(scores.dtype(), scores.shape());
            ElementCodec.fromDouble(logp, 0, lp, 0, logp.length);
            ctx.setOutput(1, lp);
        }
    }

    /** In place over axis 1 of an (n, c, inner) array: x - max - log(sum(exp(x - max))). */
    private static void logSoftmax(double[] v, int n, int c) {
        int inner = v.length / Math.max(1, n * c);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < inner; i++) {
                int base = b * c * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, v[base + k * inner]);
                }
                double s = 0;
                for (int k = 0; k < c; k++) {
                    s += Math.exp(v[base + k * inner] - max);
                }
                double shift = max + Math.log(s);
                for (int k = 0; k < c; k++) {
                    v[base + k * inner] -= shift;
                }
            }
        }
    }
}
