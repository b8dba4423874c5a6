package dev.kiln.runtime.passes;

/** A fusion anchored on one default-domain op: tries every node of that op type, in graph order. */
abstract class FusionPass implements GraphPass {
    private final String name;
    private final String anchorOp;

    FusionPass(String name, String anchorOp) {
        this.name = name;
        this.anchorOp = anchorOp;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int apply(GraphIndex graph) {
        int fused = 0;
        for (int i = 0; i < graph.size(); i++) {
            if (graph.is(i, anchorOp) && tryFuse(graph, i)) {
                fused++;
            }
        }
        return fused;
    }

    /** Rewrites the pattern anchored at node {@code anchor} if it matches there; true when it did. */
    abstract boolean tryFuse(GraphIndex graph, int anchor);
}
