package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Folds a float32 {@code Add} that feeds a layer normalization ({@code dev.kiln::LayerNormalization}, or ONNX's
 * when only its Y output is used) into one {@code dev.kiln::SkipLayerNormalization(a, b, Scale, B?)}: the residual
 * connection before each layer norm of a BERT-style encoder, added and normalized in one sweep over each row.
 * When the sum is read elsewhere too (pre-LN transformers, training graphs, a graph output) the fused node also
 * produces it, under the Add's output name, as its second output, and then takes the Add's place in the node
 * order, which requires the layer norm's other inputs to be known by then.
 */
final class SkipLayerNormFusion extends FusionPass {
    SkipLayerNormFusion() {
        super("add-layer-norm", "Add");
    }

    @Override
    boolean tryFuse(GraphIndex g, int addIdx) {
        Node add = g.node(addIdx);
        if (add.inputs().size() != 2 || add.input(0).isEmpty() || add.input(1).isEmpty() || !isFloat(g, add)) {
            return false;
        }
        String sum = add.output(0);
        int lnIdx = -1;
        for (int c : g.consumers(sum)) {
            if (isLayerNorm(g.node(c)) && g.node(c).input(0).equals(sum) && !g.node(c).inputs().subList(1, g.node(c).inputs().size()).contains(sum)) {
                if (lnIdx >= 0) {
                    return false;
                }
                lnIdx = c;
            }
        }
        if (lnIdx < 0) {
            return false;
        }
        Node ln = g.node(lnIdx);
        boolean keepSum = g.readers(sum) > 1 || g.isGraphOutput(sum);
        if (keepSum && !definedBefore(g, ln.inputs().subList(1, ln.inputs().size()), addIdx)) {
            return false;
        }
        Node.Builder fused = Node.builder(FusedOps.SKIP_LAYER_NORMALIZATION).domain(FusedOps.DOMAIN)
                .name(ln.name().isEmpty() ? "" : ln.name() + "/fused_skip")
                .inputs(add.input(0), add.input(1), ln.input(1))
                .attr("axis", ln.getInt("axis", -1)).attr("epsilon", ln.getFloat("epsilon", 1e-5f));
        if (ln.hasInput(2)) {
            fused.input(ln.input(2));
        }
        fused.output(ln.output(0));
        if (keepSum) {
            fused.output(sum);
            g.remove(lnIdx);
            g.replace(addIdx, fused.build());
        } else {
            g.remove(addIdx);
            g.replace(lnIdx, fused.build());
        }
        return true;
    }

    /** A layer norm the fused op can stand for: either domain's, with no Mean or InvStdDev output in use. */
    private static boolean isLayerNorm(Node n) {
        boolean op = n.opType().equals(FusedOps.LAYER_NORMALIZATION)
                && (n.domain().equals(FusedOps.DOMAIN) || n.domain().equals(Model.ONNX_DOMAIN));
        if (!op || n.inputs().size() < 2 || n.input(1).isEmpty()) {
            return false;
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.output(i).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The fused kernel is float32 only: the Add's type must be known to be that. */
    private static boolean isFloat(GraphIndex g, Node add) {
        for (String v : List.of(add.output(0), add.input(0), add.input(1))) {
            ValueType t = g.inferredTypeOf(v);
            Tensor c = g.constant(v);
            if (t instanceof ValueType.TensorType tt && tt.elementType() == DType.FLOAT || c != null && c.dtype() == DType.FLOAT) {
                return true;
            }
        }
        return false;
    }

    private static boolean definedBefore(GraphIndex g, List<String> values, int index) {
        for (String v : values) {
            if (!v.isEmpty() && g.producer(v) > index) {
                return false;
            }
        }
        return true;
    }
}
