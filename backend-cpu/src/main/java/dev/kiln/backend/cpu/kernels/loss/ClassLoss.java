package dev.kiln.backend.cpu.kernels.loss;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * The weighted negative log likelihood shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss:
 * {@code l[n,d] = -logp[n, c, d] * w[c]} with {@code c = target[n,d]}, zero where c equals ignore_index,
 * then reduced by 'none', 'sum' or 'mean' ({@code sum(l) / sum(w[c])} over the samples not ignored, which
 * is the plain mean when there are no weights). Immutable and thread-safe.
 */
final class ClassLoss {
    enum Reduction { NONE, SUM, MEAN }

    private final Reduction reduction;
    /** The ignored label, or null when the attribute is absent. */
    private final Long ignoreIndex;

    ClassLoss(KernelRequest request) {
        String r = request.node().getString("reduction", "mean");
        this.reduction = switch (r) {
            case "none" -> Reduction.NONE;
            case "sum" -> Reduction.SUM;
            case "mean" -> Reduction.MEAN;
            default -> throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(),
                    "attribute 'reduction' must be none, sum or mean, got '" + r + "'");
        };
        this.ignoreIndex = request.node().hasAttribute("ignore_index") ? request.node().getInt("ignore_index", 0) : null;
    }

    /**
     * Computes the loss from log-probabilities {@code logp} laid out as {@code scores} (N, C, d...) and
     * writes it, in the type of {@code scores}, as output 0.
     */
    void emit(KernelContext ctx, Tensor scores, double[] logp, Tensor target, Tensor weight) {
        int[] dims = scores.shape().intDims();
        if (dims.length < 2) {
            throw new InvalidInputException("input 0: expected shape (N, C, d1..dk), got " + scores.describe());
        }
        int n = dims[0];
        int c = dims[1];
        int inner = logp.length / Math.max(1, n * c);
        long[] expected = new long[dims.length - 1];
        expected[0] = n;
        for (int i = 2; i < dims.length; i++) {
            expected[i - 1] = dims[i];
        }
        if (!target.shape().equals(Shape.of(expected)) || !target.dtype().isInteger()) {
            throw new InvalidInputException("input 'target': expected int32 or int64 " + Shape.of(expected) + ", got " + target.describe());
        }
        if (weight != null && (weight.rank() != 1 || weight.dim(0) != c)) {
            throw new InvalidInputException("input 'weight': expected shape [" + c + "], got " + weight.describe());
        }
        double[] w = weight == null ? null : weight.toDoubleArray();
        double[] loss = new double[n * inner];
        double sum = 0;
        double weightSum = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < inner; i++) {
                int s = b * inner + i;
                long label = target.getLong(s);
                if (ignoreIndex != null && label == ignoreIndex) {
                    continue;
                }
                if (label < 0 || label >= c) {
                    throw new InvalidInputException("input 'target': label " + label + " at element " + s + " is outside [0, " + c + ")"
                            + (ignoreIndex == null ? "" : " and is not ignore_index " + ignoreIndex));
                }
                double wc = w == null ? 1 : w[(int) label];
                loss[s] = -logp[(b * c + (int) label) * inner + i] * wc;
                sum += loss[s];
                weightSum += wc;
            }
        }
        Tensor out;
        if (reduction == Reduction.NONE) {
            out = ctx.allocate(scores.dtype(), Shape.of(expected));
            ElementCodec.fromDouble(loss, 0, out, 0, loss.length);
        } else {
            out = ctx.allocate(scores.dtype(), Shape.scalar());
            ElementCodec.fromDouble(new double[] {reduction == Reduction.SUM ? sum : sum / weightSum}, 0, out, 0, 1);
        }
        ctx.setOutput(0, out);
    }

    static void requireFloating(Tensor t, String name) {
        if (!t.dtype().isFloatingPoint() || t.dtype().byteSize() < 2) {
            throw new InvalidInputException("input '" + name + "': expected float16, bfloat16, float32 or float64, got " + t.describe());
        }
    }
}
