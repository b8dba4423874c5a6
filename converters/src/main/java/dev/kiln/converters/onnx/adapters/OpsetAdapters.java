package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import dev.kiln.api.ir.Node;
import java.util.List;

/**
 * The list of ai.onnx opset adapters and the three questions asked of them: the canonical form of a
 * node read at some opset (import), the lowest opset in which a canonical node is valid, and the form
 * of a canonical node at an older opset (export). Nodes of other domains pass through unchanged.
 * Stateless and thread-safe.
 */
@Internal
public final class OpsetAdapters {
    private static final List<OpsetAdapter> ALL = List.of(
            new ReshapeAdapter(), new SliceAdapter(), new PadAdapter(), new SplitAdapter(), new ReduceAdapter(),
            new SqueezeAdapter(), new ClipAdapter(), new TopKAdapter(), new UpsampleAdapter(), new ResizeAdapter(),
            new DropoutAdapter(), new BatchNormalizationAdapter(), new CastAdapter(), new TileAdapter(),
            new ConcatAdapter(), new SoftmaxAdapter(), new ScanAdapter(), new ScatterAdapter(), new BroadcastAdapter(),
            new LegacyAttributeAdapter(), new LpPoolAdapter(), new ConstantAdapter(), new RenamedValuesAdapter(), new DftAdapter(),
            new GroupNormalizationAdapter());

    /** The opset from which most ops take negative axes. */
    private static final int NEGATIVE_AXES_SINCE = 11;

    /** Opsets before 7 let many ops carry 'consumed_inputs', an in-place hint with no meaning. */
    private static final int LEGACY_HINTS_UNTIL = 7;

    private OpsetAdapters() {
    }

    public static List<OpsetAdapter> all() {
        return ALL;
    }

    /** The canonical nodes replacing {@code node}, which was written at {@code ctx.opset()}. */
    public static List<Node> adapt(Node node, AdapterContext ctx) {
        if (!node.domain().isEmpty()) {
            return List.of(node);
        }
        Node n = node;
        if (ctx.opset() < LEGACY_HINTS_UNTIL && n.hasAttribute("consumed_inputs")) {
            n = n.toBuilder().removeAttribute("consumed_inputs").build();
        }
        for (OpsetAdapter a : ALL) {
            if (a.opTypes().contains(n.opType()) && a.applies(n, ctx.opset())) {
                return a.adapt(n, ctx);
            }
        }
        return List.of(n);
    }

    /**
     * The lowest ai.onnx opset in which the canonical {@code node}, written as it is, means what Kiln
     * means by it: at least the opset that introduced the op.
     */
    public static int minimumOpset(Node node) {
        if (!node.domain().isEmpty()) {
            return 1;
        }
        OpForms.History h = OpForms.of(node.opType());
        int min = h == null ? 1 : h.introduced();
        OpsetAdapter a = adapterFor(node);
        return a == null ? min : Math.max(min, a.minimumOpset(node));
    }

    /**
     * The canonical {@code node} in the form of ai.onnx opset {@code ctx.opset()}, rewritten by its
     * inverse adapter when the canonical form needs a newer opset; constants it no longer uses are left
     * for the caller to prune, and {@link #fit} is the final check. Throws
     * {@link dev.kiln.api.UnsupportedOpException} naming the node and what the opset cannot express.
     */
    public static List<Node> downgrade(Node node, AdapterContext ctx) {
        if (!node.domain().isEmpty()) {
            return List.of(node);
        }
        OpsetAdapter a = adapterFor(node);
        List<Node> written = a != null && a.minimumOpset(node) > ctx.opset() ? a.downgrade(node, ctx) : List.of(node);
        return ctx.opset() < NEGATIVE_AXES_SINCE ? written.stream().map(n -> NegativeAxes.fix(n, ctx)).toList() : written;
    }

    /**
     * {@code node}, already in the form of opset {@code ctx.opset()} as {@link #downgrade} gives it,
     * checked against that opset's version of the op: the op must exist, attributes the version lacks
     * go only when they hold their defaults, trailing empty inputs and outputs are trimmed. Throws
     * {@link dev.kiln.api.UnsupportedOpException} naming what does not fit.
     */
    public static Node fit(Node node, AdapterContext ctx) {
        return node.domain().isEmpty() ? FormCheck.fit(node, ctx) : node;
    }

    private static OpsetAdapter adapterFor(Node node) {
        for (OpsetAdapter a : ALL) {
            if (a.opTypes().contains(node.opType())) {
                return a;
            }
        }
        return null;
    }
}
