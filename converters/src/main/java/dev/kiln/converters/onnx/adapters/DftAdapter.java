package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * DFT: opset 20 turned the 'axis' attribute (default 1) into a scalar input 2 (default -2), so an
 * opset-17 node gets its axis as a constant input, the old default included. Written back, the axis
 * input must be a constant.
 */
final class DftAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("DFT");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 20;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        String axis = ctx.addConstant(AdapterSupport.hint(node, "axis"), Tensor.scalar(node.getInt("axis", 1)));
        return List.of(node.toBuilder().removeAttribute("axis").setInput(2, axis).build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 20;
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        // a node built directly in the old form (axis attribute, no input 2) keeps its attribute
        long axis = canonical.hasInput(2) ? AdapterSupport.longs(AdapterSupport.constantInput(canonical, 2, ctx, "'axis'"))[0]
                : canonical.getInt("axis", -2);
        return List.of(AdapterSupport.firstInputs(canonical, 2).attr("axis", axis).build());
    }
}
