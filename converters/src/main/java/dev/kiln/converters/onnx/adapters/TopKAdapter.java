package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * TopK: 'k' became a 1-element input in opset 10; largest and sorted arrived in 11 (older forms take
 * only their defaults, which the final form check enforces).
 */
final class TopKAdapter extends MovedAttributes {
    TopKAdapter() {
        super(Set.of("TopK"), 10, new Move("k", 1, true));
    }

    @Override
    public int minimumOpset(Node canonical) {
        return canonical.hasAttribute("largest") || canonical.hasAttribute("sorted") ? 11 : 10;
    }
}
