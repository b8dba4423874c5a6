package dev.kiln.api.ir;

import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a graph's invariants: every value is defined once (SSA); nodes come in topological order
 * (each input is a graph input, an initializer, an earlier node's output or, in a subgraph, a value of
 * an enclosing graph); graph outputs are defined; initializers agree with the types declared for them.
 * Subgraphs are checked recursively with the enclosing values in scope. Stateless and thread-safe.
 */
public final class GraphVerifier {
    private GraphVerifier() {
    }

    /** Throws {@link InvalidGraphException} listing every problem found. */
    public static void verify(Graph graph) {
        List<String> problems = check(graph);
        if (!problems.isEmpty()) {
            throw new InvalidGraphException("graph '" + graph.name() + "' is invalid: " + String.join("; ", problems));
        }
    }

    /** Every problem found, as messages; empty when the graph is valid. */
    public static List<String> check(Graph graph) {
        List<String> problems = new ArrayList<>();
        check(graph, Set.of(), problems, 0);
        return problems;
    }

    private static void check(Graph g, Set<String> outer, List<String> problems, int depth) {
        if (depth > 64) {
            problems.add("subgraphs nested deeper than 64 levels");
            return;
        }
        Set<String> defined = new HashSet<>();
        for (Value v : g.inputs()) {
            defined.add(v.name());
            Tensor init = g.initializers().get(v.name());
            if (init != null && v.type() instanceof ValueType.TensorType t) {
                if (t.elementType() != init.dtype()) {
                    problems.add("input " + v + " has an initializer of type " + init.describe());
                } else if (t.shape() != null && !t.shape().isCompatibleWith(init.shape())) {
                    problems.add("input " + v + " has an initializer of shape " + init.shape());
                }
            }
        }
        defined.addAll(g.initializers().keySet());
        for (Node n : g.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                if (!in.isEmpty() && !defined.contains(in) && !outer.contains(in)) {
                    problems.add("node " + n.describe() + " reads '" + in + "' (input " + i + ") before it is defined");
                }
            }
            if (!n.subgraphs().isEmpty()) {
                Set<String> scope = new HashSet<>(outer);
                scope.addAll(defined);
                for (Graph sub : n.subgraphs()) {
                    check(sub, scope, problems, depth + 1);
                }
            }
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (!defined.add(out)) {
                    problems.add("value '" + out + "' is defined more than once (again by node " + n.describe() + ")");
                }
            }
        }
        for (Value v : g.outputs()) {
            if (!defined.contains(v.name()) && !outer.contains(v.name())) {
                problems.add("graph output '" + v.name() + "' is never defined");
            }
        }
    }
}
