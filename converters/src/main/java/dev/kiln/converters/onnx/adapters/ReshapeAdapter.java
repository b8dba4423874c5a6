package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/** Reshape: the 'shape' attribute of opsets 1-4 became input 1 in opset 5; allowzero arrived in 14. */
final class ReshapeAdapter extends MovedAttributes {
    ReshapeAdapter() {
        super(Set.of("Reshape"), 5, new Move("shape", 1));
    }

    @Override
    public int minimumOpset(Node canonical) {
        return canonical.hasAttribute("allowzero") ? 14 : 5;
    }
}
