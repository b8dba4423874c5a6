package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a {@code Conv} with constant float32 weights, an {@code Add} reading only its result (a residual
 * connection), and an activation reading only what came before, into one
 * {@code dev.kiln::FusedConv(X, W, B?, Z?)}: the Conv's attributes plus {@code activation} (an ONNX
 * activation op name or "") and that activation's own attributes. Either the Add or the activation may be
 * absent, not both. The result is written once instead of once per op.
 */
final class ConvActivationFusion extends FusionPass {
    ConvActivationFusion() {
        super("conv-add-activation", "Conv");
    }

    @Override
    boolean tryFuse(GraphIndex g, int convIdx) {
        Node conv = g.node(convIdx);
        Tensor w = g.constant(conv.input(1));
        if (w == null || w.dtype() != DType.FLOAT || w.rank() < 3) {
            return false;
        }
        String y = conv.output(0);
        String residual = null;
        int addIdx = g.soleConsumer(y);
        if (addIdx >= 0 && g.is(addIdx, "Add") && g.node(addIdx).inputs().size() == 2) {
            Node add = g.node(addIdx);
            residual = add.input(0).equals(y) ? add.input(1) : add.input(0);
            if (residual.equals(y)) {
                return false;
            }
            y = add.output(0);
        } else {
            addIdx = -1;
        }
        int actIdx = g.soleConsumer(y);
        // a consumer index may point at a node an earlier match removed
        Node act = actIdx >= 0 && g.node(actIdx) != null && isActivation(g.node(actIdx)) ? g.node(actIdx) : null;
        if (act == null && addIdx < 0) {
            return false;
        }
        int lastIdx = act != null ? actIdx : addIdx;
        List<String> inputs = new ArrayList<>(List.of(conv.input(0), conv.input(1), conv.hasInput(2) ? conv.input(2) : ""));
        if (residual != null) {
            inputs.add(residual);
        }
        Node.Builder fused = Node.builder(FusedOps.FUSED_CONV).domain(FusedOps.DOMAIN).name(g.node(lastIdx).name()).inputs(inputs)
                .output(g.node(lastIdx).output(0)).attr("activation", act == null ? "" : act.opType());
        conv.attributes().values().forEach(fused::attribute);
        if (act != null) {
            for (Attribute a : act.attributes().values()) {
                fused.attribute(a);
            }
        }
        g.remove(convIdx);
        if (addIdx >= 0 && addIdx != lastIdx) {
            g.remove(addIdx);
        }
        g.replace(lastIdx, fused.build());
        return true;
    }

    private static boolean isActivation(Node n) {
        return n.domain().equals(Model.ONNX_DOMAIN) && MatMulBiasFusion.ACTIVATIONS.contains(n.opType()) && n.inputs().size() == 1;
    }
}
