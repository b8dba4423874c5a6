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
        return canonical.hasInput(1) || canonical.hasInput(2) || canonical.hasAttribute("seed") ? 12 : 7;
    }
}
