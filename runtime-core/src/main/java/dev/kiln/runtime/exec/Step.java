package dev.kiln.runtime.exec;

import java.util.List;

/** One planned action of a graph: a kernel, a copy between memories, or a control-flow op. Immutable and shared by concurrent runs. */
interface Step {
    /** Runs the step: reads its inputs from the frame, stores its outputs in it (holding them). */
    void run(Frame frame, RunState run);

    /** Every value the step reads, including outer-scope values its subgraphs read, relative to its frame. */
    List<ValueRef> reads();

    /** The local slots the step writes. */
    int[] writes();

    /** For messages: the node it runs or the copy it makes. */
    String describe();
}
