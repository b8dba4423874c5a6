package dev.kiln.runtime.exec;

import dev.kiln.api.tensor.RuntimeValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A graph compiled for execution: a slot per value, the steps in order, and after each step the slots
 * whose last reader it was (liveness, computed once). Immutable; shared by concurrent runs, each of
 * which executes it in its own {@link Frame}.
 */
final class GraphPlan {
    final String name;
    /** Initial slot contents: initializers, defaults of optional inputs, constants already copied to a device. */
    final RuntimeValue[] presets;
    final List<String> inputNames;
    final int[] inputSlots;
    final List<String> outputNames;
    final ValueRef[] outputs;
    final Step[] steps;
    final int[][] freeAfter;
    /** Values of enclosing frames this graph (with its subgraphs) reads, relative to its own frame (depth 1 and more). */
    final List<ValueRef> outerReads;

    GraphPlan(String name, RuntimeValue[] presets, List<String> inputNames, int[] inputSlots, List<String> outputNames, ValueRef[] outputs,
              List<Step> steps) {
        this.name = name;
        this.presets = presets;
        this.inputNames = List.copyOf(inputNames);
        this.inputSlots = inputSlots;
        this.outputNames = List.copyOf(outputNames);
        this.outputs = outputs;
        this.steps = steps.toArray(new Step[0]);
        this.freeAfter = Liveness.freeAfter(presets.length, this.steps, outputs);
        for (int i = 0; i < this.steps.length; i++) {
            if (this.steps[i] instanceof KernelStep k) {
                k.lastReaderOf(freeAfter[i]);
            }
        }
        List<ValueRef> outer = new ArrayList<>();
        for (Step s : this.steps) {
            for (ValueRef r : s.reads()) {
                if (r.depth() > 0 && !outer.contains(r)) {
                    outer.add(r);
                }
            }
        }
        for (ValueRef r : outputs) {
            if (r.depth() > 0 && !outer.contains(r)) {
                outer.add(r);
            }
        }
        this.outerReads = List.copyOf(outer);
    }

    int slotCount() {
        return presets.length;
    }

    /**
     * The steps needed to compute the outputs with the given indices: a backward walk from them. Null
     * when every step is needed.
     */
    boolean[] stepsFor(int[] outputIndices) {
        boolean[] needed = new boolean[slotCount()];
        for (int k : outputIndices) {
            if (outputs[k].depth() == 0) {
                needed[outputs[k].slot()] = true;
            }
        }
        boolean[] enabled = new boolean[steps.length];
        boolean all = true;
        for (int i = steps.length - 1; i >= 0; i--) {
            for (int w : steps[i].writes()) {
                if (needed[w]) {
                    enabled[i] = true;
                    break;
                }
            }
            if (enabled[i]) {
                for (ValueRef r : steps[i].reads()) {
                    if (r.depth() == 0) {
                        needed[r.slot()] = true;
                    }
                }
            } else {
                all = false;
            }
        }
        return all ? null : enabled;
    }
}
