package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * BatchNormalization: 'is_test' (until 7) and 'spatial' (until 9) are dropped, refusing per-activation
 * statistics (spatial=0), which the canonical op cannot express. Before opset 14 a node listing the
 * mean and variance outputs was in training mode; it becomes training_mode=1 with the running
 * statistics as outputs 1 and 2. The saved mean and variance (outputs 3 and 4) no longer exist.
 */
final class BatchNormalizationAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("BatchNormalization");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 14;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        if (node.getInt("spatial", 1) == 0) {
            throw AdapterSupport.unsupported(node, ctx, "spatial=0 (per-activation statistics) has no equivalent after opset 9");
        }
        if (!node.output(3).isEmpty() || !node.output(4).isEmpty()) {
            throw AdapterSupport.unsupported(node, ctx, "the saved mean/variance outputs were removed in opset 14");
        }
        Node.Builder b = node.toBuilder().removeAttribute("is_test").removeAttribute("spatial").clearOutputs();
        boolean training = !node.output(1).isEmpty() || !node.output(2).isEmpty();
        b.output(node.output(0));
        if (training) {
            b.output(node.output(1)).output(node.output(2)).attr("training_mode", 1L);
        }
        return List.of(b.build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        return canonical.hasAttribute("training_mode") || canonical.outputs().size() > 1 ? 14 : 7;
    }

    /**
     * Inference only: training mode (with running statistics as outputs) cannot be written before 14.
     * Before opset 7 'is_test' must say inference, as its default was training, and opset 1 requires
     * the in-place hint 'consumed_inputs'.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (canonical.getInt("training_mode", 0) != 0 || canonical.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw AdapterSupport.unsupported(canonical, ctx, "training mode needs ai.onnx opset 14 or later");
        }
        Node.Builder b = canonical.toBuilder().removeAttribute("training_mode").clearOutputs().output(canonical.output(0));
        if (ctx.opset() < 7) {
            b.attr("is_test", 1L);
        }
        if (ctx.opset() < 6) {
            b.attr("consumed_inputs", new long[5]);
        }
        return List.of(b.build());
    }
}
