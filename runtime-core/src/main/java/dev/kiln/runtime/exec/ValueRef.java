package dev.kiln.runtime.exec;

/**
 * Where a step finds a value: a slot of the frame {@code depth} levels up (0 is the step's own graph,
 * 1 the graph holding the If/Loop/Scan node whose subgraph this is, and so on).
 */
record ValueRef(int depth, int slot) {
    static ValueRef local(int slot) {
        return new ValueRef(0, slot);
    }

    /** The same value seen from the enclosing frame. */
    ValueRef up() {
        return new ValueRef(depth - 1, slot);
    }
}
