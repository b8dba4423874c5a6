package dev.kiln.runtime.exec;

import java.util.Arrays;
import java.util.List;

/** What a control-flow step reads besides its inputs: the outer-scope values of its subgraphs. Stateless. */
final class ControlFlowReads {
    private ControlFlowReads() {
    }

    /** Adds the subgraph's reads of enclosing frames, seen from the frame that holds the control-flow node. */
    static void addOuter(List<ValueRef> reads, GraphPlan subgraph) {
        for (ValueRef r : subgraph.outerReads) {
            ValueRef up = r.up();
            if (!reads.contains(up)) {
                reads.add(up);
            }
        }
    }

    static int[] present(int[] slots) {
        return Arrays.stream(slots).filter(s -> s >= 0).toArray();
    }
}
