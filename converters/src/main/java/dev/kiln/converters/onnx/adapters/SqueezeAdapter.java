package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/** Squeeze and Unsqueeze: 'axes' became input 1 in opset 13. */
final class SqueezeAdapter extends MovedAttributes {
    SqueezeAdapter() {
        super(Set.of("Squeeze", "Unsqueeze"), 13, new Move("axes", 1));
    }

    @Override
    public int minimumOpset(Node canonical) {
        // a Squeeze without axes means the same in every opset
        return usesMovedInputs(canonical) ? 13 : 1;
    }

    @Override
    boolean emptyMeansAbsent() {
        return true;
    }
}
