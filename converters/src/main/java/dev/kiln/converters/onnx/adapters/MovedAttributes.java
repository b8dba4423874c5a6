package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Base for ops whose integer attributes became inputs in some opset: each such attribute present on an
 * old node turns into an int64 1-D constant wired to its input slot, and back again on export, where the
 * input must then be a constant. Subclasses name the moves and may make further changes in
 * {@link #finish} and {@link #finishDowngrade}.
 */
abstract class MovedAttributes implements OpsetAdapter {
    /** Attribute {@code attribute} became input number {@code input}; {@code scalar}: the attribute was an INT, not INTS. */
    record Move(String attribute, int input, boolean scalar) {
        Move(String attribute, int input) {
            this(attribute, input, false);
        }
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

    /**
     * The old form: below the opset that moved them, each moved input that is present (and not an empty list) becomes its attribute
     * again, and the inputs from the first moved one on are dropped.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (ctx.opset() >= since(canonical.opType())) {
            Node.Builder b = canonical.toBuilder();
            finishDowngrade(canonical, b, ctx);
            return List.of(b.build());
        }
        int first = Integer.MAX_VALUE;
        for (Move m : moves) {
            first = Math.min(first, m.input());
        }
        Node.Builder b = AdapterSupport.firstInputs(canonical, first);
        for (Move m : moves) {
            if (!canonical.hasInput(m.input())) {
                continue;
            }
            long[] v = AdapterSupport.longs(AdapterSupport.constantInput(canonical, m.input(), ctx, "'" + m.attribute() + "'"));
            if (m.scalar()) {
                if (v.length != 1) {
                    throw AdapterSupport.unsupported(canonical, ctx, "'" + m.attribute() + "' must hold one value, got " + v.length);
                }
                b.attr(m.attribute(), v[0]);
            } else if (v.length > 0) {
                b.attr(m.attribute(), v);
            } else if (!emptyMeansAbsent()) {
                throw AdapterSupport.unsupported(canonical, ctx, "an empty '" + m.attribute() + "' has no attribute form");
            }
        }
        finishDowngrade(canonical, b, ctx);
        return List.of(b.build());
    }

    /** True when an empty moved list means the same as an absent one (axes of Squeeze and Reduce*). */
    boolean emptyMeansAbsent() {
        return false;
    }

    /** Further changes to the old-form node being built (and refusals); nothing by default. */
    void finishDowngrade(Node canonical, Node.Builder b, AdapterContext ctx) {
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
