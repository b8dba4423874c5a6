package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Rewrites one family of ai.onnx ops from the forms of older opsets into Kiln's canonical form (that
 * of the newest opset), tells the exporter from which opset the canonical form is valid, and writes a
 * canonical node back in an older opset's form where that form can say the same (the inverse adapter).
 * Implementations are stateless and thread-safe; they are listed in {@link OpsetAdapters}.
 */
@Internal
public interface OpsetAdapter {
    /** The ai.onnx op types this adapter handles. */
    Set<String> opTypes();

    /** True when {@code node}, written in ai.onnx opset {@code opset}, is not yet in canonical form. */
    boolean applies(Node node, int opset);

    /**
     * The canonical replacement for {@code node}: usually one node, sometimes with helper nodes before
     * it. Output names are kept so that consumers need no change. Throws
     * {@link dev.kiln.api.UnsupportedOpException} when the old form has no faithful canonical equivalent.
     */
    List<Node> adapt(Node node, AdapterContext ctx);

    /** The lowest ai.onnx opset in which {@code canonical} (a node in canonical form) means the same. */
    int minimumOpset(Node canonical);

    /**
     * {@code canonical} in the form of ai.onnx opset {@code ctx.opset()}, which is below
     * {@link #minimumOpset}: usually one node, with constant inputs turned back into attributes. Output
     * names are kept. Throws {@link dev.kiln.api.UnsupportedOpException} naming what the older form
     * cannot express; by default every such node is refused.
     */
    default List<Node> downgrade(Node canonical, AdapterContext ctx) {
        throw AdapterSupport.unsupported(canonical, ctx, "this form needs ai.onnx opset " + minimumOpset(canonical) + " or later");
    }
}
