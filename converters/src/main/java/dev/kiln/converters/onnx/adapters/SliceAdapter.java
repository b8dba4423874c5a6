package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/** Slice: starts, ends and axes were attributes until opset 10 made them inputs 1-3 (with steps, input 4). */
final class SliceAdapter extends MovedAttributes {
    SliceAdapter() {
        super(Set.of("Slice"), 10, new Move("starts", 1), new Move("ends", 2), new Move("axes", 3));
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 10;
    }
}
