package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.Set;

/**
 * Folds {@code Add(MatMul(a, W), bias)} with a constant float32 matrix W and a constant vector bias the
 * width of W, and an activation reading only that sum, into one {@code dev.kiln::FusedMatMul(a, W, bias)}
 * that adds the bias and applies the activation while each block of the product is in cache.
 */
final class MatMulBiasFusion extends FusionPass {
    /** Activations the CPU backend can apply as a fused epilogue. */
    static final Set<String> ACTIVATIONS = Set.of("Relu", "Gelu", "Sigmoid", "Tanh", "LeakyRelu");

    MatMulBiasFusion() {
        super("matmul-bias-activation", "MatMul");
    }

    @Override
    boolean tryFuse(GraphIndex g, int mmIdx) {
        Node mm = g.node(mmIdx);
        Tensor w = g.constant(mm.input(1));
        if (w == null || w.dtype() != DType.FLOAT || w.rank() != 2) {
            return false;
        }
        long width = w.dims()[1];
        int addIdx = g.soleConsumer(mm.output(0));
        int biasSide = addIdx < 0 ? -1 : Patterns.constantSide(g, addIdx, "Add");
        if (biasSide < 0 || !g.node(addIdx).input(GraphIndex.other(biasSide)).equals(mm.output(0))) {
            return false;
        }
        String bias = g.node(addIdx).input(biasSide);
        Tensor b = g.constant(bias);
        if (b.dtype() != DType.FLOAT || b.rank() != 1 || b.dims()[0] != width) {
            return false;
        }
        int lastIdx = addIdx;
        Node act = null;
        int actIdx = g.soleConsumer(g.node(addIdx).output(0));
        if (actIdx >= 0 && isActivation(g.node(actIdx))) {
            act = g.node(actIdx);
            lastIdx = actIdx;
        }
        Node.Builder fused = Node.builder(FusedOps.FUSED_MATMUL).domain(FusedOps.DOMAIN).name(g.node(lastIdx).name())
                .inputs(mm.input(0), mm.input(1), bias).output(g.node(lastIdx).output(0))
                .attr("activation", act == null ? "" : act.opType());
        if (act != null) {
            for (Attribute a : act.attributes().values()) {
                fused.attribute(a);
            }
        }
        g.remove(mmIdx);
        if (act != null) {
            g.remove(addIdx);
        }
        g.replace(lastIdx, fused.build());
        return true;
    }

    private static boolean isActivation(Node n) {
        boolean known = n.domain().equals(Model.ONNX_DOMAIN) || n.domain().equals(FusedOps.DOMAIN);
        return known && ACTIVATIONS.contains(n.opType()) && n.inputs().size() == 1;
    }
}
