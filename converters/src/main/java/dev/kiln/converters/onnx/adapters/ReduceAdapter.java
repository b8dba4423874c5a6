package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * The Reduce* family: 'axes' became input 1 in opset 13 for ReduceSum and in opset 18 for the others,
 * together with the noop_with_empty_axes attribute.
 */
final class ReduceAdapter extends MovedAttributes {
    ReduceAdapter() {
        super(Set.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"), 18, new Move("axes", 1));
    }

    @Override
    int since(String opType) {
        return opType.equals("ReduceSum") ? 13 : 18;
    }

    @Override
    public int minimumOpset(Node canonical) {
        boolean newForm = usesMovedInputs(canonical) || canonical.hasAttribute("noop_with_empty_axes");
        return newForm ? since(canonical.opType()) : 1;
    }
}
