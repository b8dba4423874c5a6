package dev.kiln.runtime.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * When each value of a graph dies: after the last step that reads it (counting reads by subgraphs), or
 * right after the step that writes it when nothing reads it. Graph outputs never die inside the graph.
 * Stateless.
 */
final class Liveness {
    private Liveness() {
    }

    /** For each step, the local slots to empty after it. */
    static int[][] freeAfter(int slotCount, Step[] steps, ValueRef[] outputs) {
        int[] last = new int[slotCount];
        Arrays.fill(last, -1);
        for (int i = 0; i < steps.length; i++) {
            for (int w : steps[i].writes()) {
                last[w] = Math.max(last[w], i);
            }
            for (ValueRef r : steps[i].reads()) {
                if (r.depth() == 0) {
                    last[r.slot()] = i;
                }
            }
        }
        for (ValueRef r : outputs) {
            if (r.depth() == 0) {
                last[r.slot()] = -1;
            }
        }
        List<List<Integer>> lists = new ArrayList<>(steps.length);
        for (int i = 0; i < steps.length; i++) {
            lists.add(new ArrayList<>());
        }
        for (int s = 0; s < slotCount; s++) {
            if (last[s] >= 0) {
                lists.get(last[s]).add(s);
            }
        }
        int[][] out = new int[steps.length][];
        for (int i = 0; i < steps.length; i++) {
            out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}
