package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;

/**
 * Finds layer normalization over the last axis written out in primitive ops, as PyTorch and
 * TensorFlow exports of BERT-style models do:
 * {@code d = x - ReduceMean(x); y = d / Sqrt(ReduceMean(Pow(d, 2)) + eps) * gamma + beta},
 * and replaces the ten nodes with one {@code dev.kiln::LayerNormalization(x, gamma, beta)}.
 */
final class LayerNormFusion extends FusionPass {
    LayerNormFusion() {
        super("layer-norm", "ReduceMean");
    }

    @Override
    boolean tryFuse(GraphIndex g, int meanIdx) {
        Node mean = g.node(meanIdx);
        String x = mean.input(0);
        if (!Patterns.reducesLastAxisKeepingDims(g, mean)) {
            return false;
        }
        int subIdx = g.soleConsumer(mean.output(0));
        if (subIdx < 0 || !g.is(subIdx, "Sub") || !g.node(subIdx).input(0).equals(x) || !g.node(subIdx).input(1).equals(mean.output(0))) {
            return false;
        }
        String d = g.node(subIdx).output(0);
        if (g.isGraphOutput(d) || g.readers(d) != 2) {
            return false;
        }
        int powIdx = -1;
        int divIdx = -1;
        for (int c : g.consumers(d)) {
            if (g.is(c, "Pow") && g.node(c).input(0).equals(d) && g.scalar(g.node(c).input(1)) == 2.0) {
                powIdx = c;
            } else if (g.is(c, "Div") && g.node(c).input(0).equals(d)) {
                divIdx = c;
            }
        }
        if (powIdx < 0 || divIdx < 0) {
            return false;
        }
        int varIdx = g.soleConsumer(g.node(powIdx).output(0));
        if (varIdx < 0 || !g.is(varIdx, "ReduceMean") || !Patterns.reducesLastAxisKeepingDims(g, g.node(varIdx))) {
            return false;
        }
        int epsIdx = g.soleConsumer(g.node(varIdx).output(0));
        int epsSide = epsIdx < 0 ? -1 : Patterns.constantSide(g, epsIdx, "Add");
        if (epsSide < 0) {
            return false;
        }
        double eps = g.scalar(g.node(epsIdx).input(epsSide));
        int sqrtIdx = g.soleConsumer(g.node(epsIdx).output(0));
        if (sqrtIdx < 0 || !g.is(sqrtIdx, "Sqrt") || g.soleConsumer(g.node(sqrtIdx).output(0)) != divIdx
                || !g.node(divIdx).input(1).equals(g.node(sqrtIdx).output(0))) {
            return false;
        }
        int mulIdx = g.soleConsumer(g.node(divIdx).output(0));
        int gammaSide = mulIdx < 0 ? -1 : Patterns.constantSide(g, mulIdx, "Mul");
        if (gammaSide < 0) {
            return false;
        }
        int addIdx = g.soleConsumer(g.node(mulIdx).output(0));
        int betaSide = addIdx < 0 ? -1 : Patterns.constantSide(g, addIdx, "Add");
        if (betaSide < 0) {
            return false;
        }
        String gamma = g.node(mulIdx).input(gammaSide);
        String beta = g.node(addIdx).input(betaSide);
        Tensor gt = g.constant(gamma);
        Tensor bt = g.constant(beta);
        if (gt.rank() != 1 || bt.rank() != 1 || gt.elementCount() != bt.elementCount() || gt.dtype() != bt.dtype()) {
            return false;
        }
        Node fusedNode = Node.builder(FusedOps.LAYER_NORMALIZATION).domain(FusedOps.DOMAIN)
                .name(g.node(addIdx).name().isEmpty() ? "" : g.node(addIdx).name() + "/fused_layer_norm")
                .inputs(x, gamma, beta).output(g.node(addIdx).output(0))
                .attr("axis", -1L).attr("epsilon", (float) eps).build();
        for (int idx : new int[] {meanIdx, subIdx, powIdx, varIdx, epsIdx, sqrtIdx, divIdx, mulIdx}) {
            g.remove(idx);
        }
        g.replace(addIdx, fusedNode);
        return true;
    }
}
