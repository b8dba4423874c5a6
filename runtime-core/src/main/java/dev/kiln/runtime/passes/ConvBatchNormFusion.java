package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * Folds an inference-mode {@code BatchNormalization} that alone reads a {@code Conv} with constant float32
 * weights into that Conv: with {@code s = scale / sqrt(var + epsilon)} per output channel, the weights of
 * channel m become {@code W[m] * s[m]} and the bias {@code (B[m] - mean[m]) * s[m] + beta[m]} (B = 0 when the
 * Conv had none). The folded constants are computed in double and stored as new initializers; the old
 * weights are dropped when nothing else reads them.
 */
final class ConvBatchNormFusion extends FusionPass {
    ConvBatchNormFusion() {
        super("conv-batchnorm", "BatchNormalization");
    }

    @Override
    boolean tryFuse(GraphIndex g, int bnIdx) {
        Node bn = g.node(bnIdx);
        if (bn.getInt("training_mode", 0) != 0 || bn.inputs().size() != 5 || bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            return false;
        }
        int convIdx = g.producer(bn.input(0));
        if (convIdx < 0 || !g.is(convIdx, "Conv") || g.soleConsumer(bn.input(0)) != bnIdx) {
            return false;
        }
        Node conv = g.node(convIdx);
        Tensor w = g.constant(conv.input(1));
        if (w == null || w.dtype() != DType.FLOAT || w.rank() < 3) {
            return false;
        }
        int m = (int) w.dims()[0];
        Tensor bias = conv.hasInput(2) ? g.constant(conv.input(2)) : null;
        if (conv.hasInput(2) && !isVector(bias, m)) {
            return false;
        }
        Tensor[] stats = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            stats[i] = g.constant(bn.input(i + 1));
            if (!isVector(stats[i], m)) {
                return false;
            }
        }
        double epsilon = bn.getFloat("epsilon", 1e-5f);
        float[] weights = w.floatData();
        float[] folded = new float[weights.length];
        float[] foldedBias = new float[m];
        int perChannel = weights.length / m;
        for (int c = 0; c < m; c++) {
            double s = stats[0].getDouble(c) / Math.sqrt(stats[3].getDouble(c) + epsilon);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                folded[i] = (float) (weights[i] * s);
            }
            double b = bias == null ? 0 : bias.getDouble(c);
            foldedBias[c] = (float) ((b - stats[2].getDouble(c)) * s + stats[1].getDouble(c));
        }
        String wName = g.addInitializer(conv.input(1) + "_bn", Tensor.of(folded, w.dims()));
        String bName = g.addInitializer(bn.output(0) + "_bias", Tensor.of(foldedBias, m));
        g.dropInitializerIfUnread(conv.input(1), 1);
        if (conv.hasInput(2)) {
            g.dropInitializerIfUnread(conv.input(2), 1);
        }
        Node.Builder fused = Node.builder("Conv").name(bn.name()).inputs(conv.input(0), wName, bName).output(bn.output(0));
        conv.attributes().values().forEach(fused::attribute);
        g.remove(convIdx);
        g.replace(bnIdx, fused.build());
        return true;
    }

    private static boolean isVector(Tensor t, int length) {
        return t != null && t.dtype() == DType.FLOAT && t.rank() == 1 && t.dims()[0] == length;
    }
}
