package dev.kiln.runtime.exec;

import dev.kiln.api.tensor.RuntimeValue;

/** The value table of one execution of one graph; subgraph frames read outer values through their parent. Used by one thread. */
final class Frame {
    final RuntimeValue[] slots;
    final Frame parent;

    Frame(GraphPlan plan, Frame parent) {
        this.slots = plan.presets.clone();
        this.parent = parent;
    }

    RuntimeValue get(ValueRef ref) {
        Frame f = this;
        for (int d = ref.depth(); d > 0; d--) {
            f = f.parent;
        }
        return f.slots[ref.slot()];
    }

    /** Stores a value in a local slot and counts it as held. */
    void put(int slot, RuntimeValue value, RunState run) {
        RuntimeValue old = slots[slot];
        slots[slot] = value;
        run.hold(value);
        if (old != null) {
            run.drop(old);
        }
    }

    /** Empties a local slot, letting its memory go back to its allocator once nothing else holds it. */
    void clear(int slot, RunState run) {
        RuntimeValue old = slots[slot];
        if (old != null) {
            slots[slot] = null;
            run.drop(old);
        }
    }

    /** Empties every slot: the end of this frame's execution. */
    void clearAll(RunState run) {
        for (int i = 0; i < slots.length; i++) {
            clear(i, run);
        }
    }
}
