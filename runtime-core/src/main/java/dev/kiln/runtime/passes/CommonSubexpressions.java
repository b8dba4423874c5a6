package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination: a node that repeats an earlier one (same domain, op, inputs and
 * attributes) is dropped and its readers read the earlier node's outputs; exports often compute the same
 * {@code Shape}, {@code Gather} or {@code Unsqueeze} once per consumer, and equal Constant nodes merge too.
 * Left alone: ops that draw random numbers (two draws differ), nodes with subgraphs, and nodes whose
 * outputs are graph outputs or read by a subgraph. Stateless.
 */
final class CommonSubexpressions implements GraphPass {

    @Override
    public String name() {
        return "common-subexpressions";
    }

    /** What makes two nodes compute the same values. */
    private record Key(String domain, String opType, List<String> inputs, Map<String, ?> attributes, int outputs) {
    }

    @Override
    public int apply(GraphIndex graph) {
        Map<Key, Integer> seen = new HashMap<>();
        int merged = 0;
        for (int i = 0; i < graph.size(); i++) {
            Node n = graph.node(i);
            if (n == null || RandomOps.contains(n.opType()) || !n.subgraphs().isEmpty() || n.outputs().isEmpty()) {
                continue;
            }
            Key key = new Key(n.domain(), n.opType(), n.inputs(), n.attributes(), n.outputs().size());
            Integer first = seen.putIfAbsent(key, i);
            Node kept = first == null ? null : graph.node(first);
            if (kept == null || !replaceable(n, kept, graph)) {
                continue;
            }
            for (int k = 0; k < n.outputs().size(); k++) {
                String out = n.output(k);
                if (!out.isEmpty()) {
                    graph.redirectReads(out, kept.output(k));
                }
            }
            graph.remove(i);
            merged++;
        }
        return merged;
    }

    /** True when every output of {@code n} may be renamed: not a graph output, not read by a subgraph, and {@code kept} produces it too. */
    private static boolean replaceable(Node n, Node kept, GraphIndex graph) {
        for (int k = 0; k < n.outputs().size(); k++) {
            String out = n.output(k);
            if (out.isEmpty()) {
                continue;
            }
            if (kept.output(k).isEmpty()) {
                return false;
            }
            if (graph.isGraphOutput(out)) {
                return false;
            }
            for (int r : graph.consumers(out)) {
                Node reader = graph.node(r);
                if (reader != null && readsInSubgraph(reader, out)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean readsInSubgraph(Node reader, String value) {
        for (Graph sub : reader.subgraphs()) {
            if (sub.outerScopeReferences().contains(value)) {
                return true;
            }
        }
        return false;
    }
}
