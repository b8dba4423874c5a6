package dev.kiln.runtime.passes;

/** One rewrite over a graph's nodes; stateless. */
interface GraphPass {
    String name();

    /** Applies the rewrite wherever it matches; returns how many places it changed. */
    int apply(GraphIndex graph);
}
