package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * Slice: starts, ends and axes were attributes until opset 10 made them inputs 1-3 (with steps, input 4).
 * Written back only with constant starts, ends and axes and unit steps.
 */
final class SliceAdapter extends MovedAttributes {
    SliceAdapter() {
        super(Set.of("Slice"), 10, new Move("starts", 1), new Move("ends", 2), new Move("axes", 3));
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 10;
    }

    /** The attribute form has no steps: only a constant step of 1 on every axis can be dropped. */
    @Override
    void finishDowngrade(Node canonical, Node.Builder b, AdapterContext ctx) {
        if (!canonical.hasInput(4)) {
            return;
        }
        for (long step : AdapterSupport.longs(AdapterSupport.constantInput(canonical, 4, ctx, "'steps'"))) {
            if (step != 1) {
                throw AdapterSupport.unsupported(canonical, ctx, "a step of " + step + " needs ai.onnx opset 10 or later");
            }
        }
    }
}
