package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.Set;

/**
 * The Reduce* family: 'axes' became input 1 in opset 13 for ReduceSum and in opset 18 for the others,
 * together with the noop_with_empty_axes attribute. Written back with constant axes.
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

    @Override
    boolean emptyMeansAbsent() {
        return true;
    }

    /** noop_with_empty_axes=1 without axes returns the input unchanged, which the attribute form cannot say. */
    @Override
    void finishDowngrade(Node canonical, Node.Builder b, AdapterContext ctx) {
        if (canonical.getInt("noop_with_empty_axes", 0) == 0) {
            b.removeAttribute("noop_with_empty_axes");
            return;
        }
        boolean noAxes = !canonical.hasInput(1) || AdapterSupport.constantInput(canonical, 1, ctx, "'axes'").size() == 0;
        if (noAxes) {
            throw AdapterSupport.unsupported(canonical, ctx, "noop_with_empty_axes=1 without axes needs ai.onnx opset " + since(canonical.opType()));
        }
        b.removeAttribute("noop_with_empty_axes");
    }
}
