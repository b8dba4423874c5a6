package dev.kiln.converters.onnx;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.converters.onnx.adapters.OpsetAdapters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a graph in canonical forms into the forms of one ai.onnx opset, subgraphs included: each
 * node goes through its inverse adapter where needed, constants only the old forms' attributes now
 * hold are pruned, and every node is checked against that opset's version of its op. Never drops a
 * node that computes something; throws {@link OpsetExportException} for the first node the opset
 * cannot express. Stateless.
 */
final class GraphDowngrader {
    /** Helper ops the importer adds only to feed constants into moved inputs; pruned once unused. */
    private static final Set<String> CONSTANT_HELPERS = Set.of("Constant", "CastLike");

    private GraphDowngrader() {
    }

    static Graph downgrade(Graph g, int opset) {
        Set<String> names = new HashSet<>();
        collectNames(g, names);
        return rewrite(g, null, names, opset);
    }

    private static Graph rewrite(Graph g, ExportScope parent, Set<String> names, int opset) {
        ExportScope scope = new ExportScope(parent, g, names, opset);
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Node withSubgraphs = rewriteSubgraphs(n, scope, names, opset);
            try {
                nodes.addAll(OpsetAdapters.downgrade(withSubgraphs, scope));
            } catch (UnsupportedOpException e) {
                throw refusal(n, opset, e);
            }
        }
        Set<String> usedBefore = used(g.nodes(), g);
        nodes = prune(nodes, g, usedBefore);
        List<Node> fitted = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            try {
                fitted.add(OpsetAdapters.fit(n, scope));
            } catch (UnsupportedOpException e) {
                throw refusal(n, opset, e);
            }
        }
        Set<String> usedAfter = used(fitted, g);
        Graph.Builder b = g.toBuilder().clearNodes().nodes(fitted);
        Set<String> inputs = new HashSet<>();
        g.inputs().forEach(v -> inputs.add(v.name()));
        for (String init : g.initializers().keySet()) {
            if (usedBefore.contains(init) && !usedAfter.contains(init) && !inputs.contains(init)) {
                b.removeInitializer(init);
            }
        }
        scope.added().forEach((name, t) -> {
            if (usedAfter.contains(name)) {
                b.initializer(name, t);
            }
        });
        return b.build();
    }

    private static Node rewriteSubgraphs(Node n, ExportScope scope, Set<String> names, int opset) {
        if (n.subgraphs().isEmpty()) {
            return n;
        }
        Node.Builder b = n.toBuilder();
        for (Attribute a : n.attributes().values()) {
            if (a.type() == AttributeType.GRAPH) {
                b.attribute(Attribute.of(a.name(), rewrite(a.asGraph(), scope, names, opset)));
            } else if (a.type() == AttributeType.GRAPHS) {
                b.attribute(Attribute.graphs(a.name(), a.asGraphs().stream().map(s -> rewrite(s, scope, names, opset)).toList()));
            }
        }
        return b.build();
    }

    /** Drops constant helpers that fed only what the old forms now hold as attributes (repeatedly, for chains). */
    private static List<Node> prune(List<Node> nodes, Graph g, Set<String> usedBefore) {
        List<Node> current = nodes;
        while (true) {
            Set<String> used = used(current, g);
            List<Node> kept = new ArrayList<>(current.size());
            for (Node n : current) {
                boolean helper = n.domain().isEmpty() && CONSTANT_HELPERS.contains(n.opType());
                boolean orphaned = n.outputs().stream().noneMatch(used::contains) && n.outputs().stream().anyMatch(usedBefore::contains);
                if (!(helper && orphaned)) {
                    kept.add(n);
                }
            }
            if (kept.size() == current.size()) {
                return kept;
            }
            current = kept;
        }
    }

    /** Every value the nodes (and their subgraphs) read, plus the graph's outputs. */
    private static Set<String> used(List<Node> nodes, Graph g) {
        Set<String> used = new HashSet<>();
        for (Node n : nodes) {
            used.addAll(n.inputs());
            n.subgraphs().forEach(s -> used.addAll(s.outerScopeReferences()));
        }
        g.outputs().forEach(v -> used.add(v.name()));
        return used;
    }

    private static OpsetExportException refusal(Node n, int opset, UnsupportedOpException e) {
        String msg = e.getMessage();
        String marker = n.describe() + ": ";
        int at = msg.indexOf(marker);
        OpsetExportException x = new OpsetExportException(n, opset, at < 0 ? msg : msg.substring(at + marker.length()));
        x.initCause(e);
        return x;
    }

    private static void collectNames(Graph g, Set<String> names) {
        g.inputs().forEach(v -> names.add(v.name()));
        g.outputs().forEach(v -> names.add(v.name()));
        names.addAll(g.valueInfo().keySet());
        names.addAll(g.initializers().keySet());
        for (Node n : g.nodes()) {
            names.addAll(n.inputs());
            names.addAll(n.outputs());
            n.subgraphs().forEach(s -> collectNames(s, names));
        }
    }
}
