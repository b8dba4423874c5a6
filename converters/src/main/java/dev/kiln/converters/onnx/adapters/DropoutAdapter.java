package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Dropout: opsets 1-6 had 'is_test' (dropped: Kiln's canonical Dropout is inference unless
 * training_mode is fed); opset 12 turned 'ratio' into input 1 and added training_mode as input 2.
 */
final class DropoutAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Dropout");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 12;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Node.Builder b = node.toBuilder().removeAttribute("is_test").removeAttribute("ratio");
        if (node.hasAttribute("ratio")) {
            b.setInput(1, ctx.addConstant(AdapterSupport.hint(node, "ratio"), Tensor.scalar(node.getFloat("ratio", 0.5f))));
        }
        return List.of(b.build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        boolean newForm = canonical.hasInput(1) || canonical.hasInput(2) || canonical.hasAttribute("seed") || !canonical.output(1).isEmpty();
        return newForm ? 12 : 7;
    }

    /**
     * Inference only: a constant ratio becomes the attribute, a training_mode input must be a constant
     * false, and the seed (used only in training) goes. Before opset 7 'is_test' must say inference,
     * since its default was training. The mask output is refused: before 12 its inference value was unspecified.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (canonical.hasInput(2) && AdapterSupport.constantInput(canonical, 2, ctx, "'training_mode'").getDouble(0) != 0) {
            throw AdapterSupport.unsupported(canonical, ctx, "training mode needs ai.onnx opset 12 or later");
        }
        if (!canonical.output(1).isEmpty()) {
            // before 12 the mask of an inference Dropout was left unspecified (ORT gives zeros, opset 12 ones)
            throw AdapterSupport.unsupported(canonical, ctx, "the mask output of an inference Dropout is defined from ai.onnx opset 12 on");
        }
        Node.Builder b = AdapterSupport.firstInputs(canonical, 1).removeAttribute("seed");
        if (canonical.hasInput(1)) {
            b.attr("ratio", AdapterSupport.single(canonical, AdapterSupport.constantInput(canonical, 1, ctx, "'ratio'"), ctx, "'ratio'"));
        }
        if (ctx.opset() < 7) {
            b.attr("is_test", 1L);
        }
        return List.of(b.build());
    }
}
