package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Base for ops whose integer attributes became inputs in some opset: each such attribute present on an
 * old node turns into an int64 1-D constant wired to its input slot. Subclasses name the moves and may
 * make further changes in {@link #finish}.
 */
abstract class MovedAttributes implements OpsetAdapter {
    /** Attribute {@code attribute} became input number {@code input}. */
    record Move(String attribute, int input) {
    }

    private final Set<String> ops;
    private final int since;
    private final List<Move> moves;

    MovedAttributes(Set<String> ops, int since, Move... moves) {
        this.ops = ops;
        this.since = since;
        this.moves = List.of(moves);
    }

    @Override
    public Set<String> opTypes() {
        return ops;
    }

    /** The opset in which the attributes became inputs for {@code opType}. */
    int since(String opType) {
        return since;
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < since(node.opType());
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Node.Builder b = node.toBuilder();
        for (Move m : moves) {
            Attribute a = node.attribute(m.attribute());
            if (a != null) {
                b.removeAttribute(m.attribute()).setInput(m.input(), AdapterSupport.int64Input(ctx, node, a));
            }
        }
        finish(node, b, ctx);
        return List.of(b.build());
    }

    /** Further changes to the node being built; nothing by default. */
    void finish(Node old, Node.Builder b, AdapterContext ctx) {
    }

    /** True when any moved input is present, i.e. the node needs the opset that introduced the inputs. */
    boolean usesMovedInputs(Node canonical) {
        for (Move m : moves) {
            if (canonical.hasInput(m.input())) {
                return true;
            }
        }
        return false;
    }
}
