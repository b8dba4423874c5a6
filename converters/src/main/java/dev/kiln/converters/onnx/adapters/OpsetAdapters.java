package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * The list of ai.onnx opset adapters and the two questions asked of them: the canonical form of a node
 * read at some opset (import), and the lowest opset in which a canonical node is valid (export). Nodes
 * of other domains pass through unchanged. Stateless and thread-safe.
 */
@Internal
public final class OpsetAdapters {
    private static final List<OpsetAdapter> ALL = List.of(
            new ReshapeAdapter(), new SliceAdapter(), new PadAdapter(), new SplitAdapter(), new ReduceAdapter(),
            new SqueezeAdapter(), new ClipAdapter(), new TopKAdapter(), new UpsampleAdapter(), new ResizeAdapter(),
            new DropoutAdapter(), new BatchNormalizationAdapter(), new CastAdapter(), new TileAdapter(),
            new ConcatAdapter(), new SoftmaxAdapter(), new ScanAdapter(), new ScatterAdapter(), new BroadcastAdapter(),
            new LegacyAttributeAdapter(), new LpPoolAdapter());

    /** Ops that adapters emit as helpers but handle no old form of, with the opset that introduced them. */
    private static final Map<String, Integer> INTRODUCED = Map.of("CastLike", 15);

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

    /** The lowest ai.onnx opset in which the canonical {@code node} means what Kiln means by it. */
    public static int minimumOpset(Node node) {
        if (!node.domain().isEmpty()) {
            return 1;
        }
        int min = INTRODUCED.getOrDefault(node.opType(), 1);
        for (OpsetAdapter a : ALL) {
            if (a.opTypes().contains(node.opType())) {
                min = Math.max(min, a.minimumOpset(node));
            }
        }
        return min;
    }
}
