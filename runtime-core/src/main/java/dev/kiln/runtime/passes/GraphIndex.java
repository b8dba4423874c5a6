package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph's nodes with who produces and who reads each value, for pattern-matching rewrites. Nodes are
 * removed or replaced in place (a replacement keeps its predecessor's position, so it must only read
 * values produced before it); {@link #graph()} builds the rewritten graph. Not thread-safe.
 */
final class GraphIndex {
    private final Graph original;
    private final Node[] nodes;
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, Tensor> constants;
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, Tensor> addedInitializers = new java.util.LinkedHashMap<>();
    private final Set<String> droppedInitializers = new HashSet<>();
    private Map<String, dev.kiln.api.ir.ValueType> inferred;

    GraphIndex(Graph graph) {
        this.original = graph;
        this.nodes = graph.nodes().toArray(new Node[0]);
        this.constants = ConstantValues.find(graph);
        for (Value v : graph.outputs()) {
            graphOutputs.add(v.name());
        }
        for (int i = 0; i < nodes.length; i++) {
            for (String out : nodes[i].outputs()) {
                if (!out.isEmpty()) {
                    producers.put(out, i);
                }
            }
            for (String in : nodes[i].inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
            // values a subgraph reads from this scope count as read by the node that owns the subgraph
            for (Graph sub : nodes[i].subgraphs()) {
                for (String ref : sub.outerScopeReferences()) {
                    consumers.computeIfAbsent(ref, k -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    int size() {
        return nodes.length;
    }

    /** Node {@code i}, or null once removed. */
    Node node(int i) {
        return nodes[i];
    }

    /** True when node {@code i} is the default-domain op {@code opType}. */
    boolean is(int i, String opType) {
        Node n = nodes[i];
        return n != null && n.domain().equals(Model.ONNX_DOMAIN) && n.opType().equals(opType);
    }

    /**
     * The one node reading {@code value}, or -1 when none, several, or the value is also a graph output
     * (then it must survive a rewrite).
     */
    int soleConsumer(String value) {
        List<Integer> c = consumers.get(value);
        if (c == null || c.size() != 1 || graphOutputs.contains(value)) {
            return -1;
        }
        return c.get(0);
    }

    /** The nodes reading {@code value}, in graph order (a node reading it twice appears twice). */
    List<Integer> consumers(String value) {
        return List.copyOf(consumers.getOrDefault(value, List.of()));
    }

    /** The node producing {@code value}, or -1 for graph inputs, initializers and removed nodes. */
    int producer(String value) {
        Integer i = producers.get(value);
        return i == null || nodes[i] == null ? -1 : i;
    }

    /** How many node inputs read {@code value} (a node reading it twice counts twice). */
    int readers(String value) {
        List<Integer> c = consumers.get(value);
        return c == null ? 0 : c.size();
    }

    /** The declared type of a value, or null when the graph does not know it. */
    dev.kiln.api.ir.ValueType typeOf(String value) {
        return original.typeOf(value);
    }

    /**
     * The type of a value of the graph this index was made from, declared or else inferred forward from the
     * declared ones (at the newest opset of each op, which is what element types need); null when unknown.
     * Inferred once per index, on first use.
     */
    dev.kiln.api.ir.ValueType inferredTypeOf(String value) {
        dev.kiln.api.ir.ValueType declared = original.typeOf(value);
        if (declared != null) {
            return declared;
        }
        if (inferred == null) {
            inferred = TypePropagation.infer(original, domain -> -1, name -> null, constants::get, false);
        }
        return inferred.get(value);
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    /** The constant value (initializer that is not an input, or Constant node output), or null. */
    Tensor constant(String value) {
        return constants.get(value);
    }

    /** The float value of a one-element float constant, or NaN when {@code value} is not one. */
    double scalar(String value) {
        Tensor t = constants.get(value);
        if (t == null || t.elementCount() != 1 || !(t.dtype() == DType.FLOAT || t.dtype() == DType.DOUBLE)) {
            return Double.NaN;
        }
        return t.getDouble(0);
    }

    /** Of a two-input node, the input index other than {@code i}. */
    static int other(int i) {
        return 1 - i;
    }

    void remove(int i) {
        nodes[i] = null;
    }

    void replace(int i, Node n) {
        nodes[i] = n;
    }

    /**
     * Adds a constant initializer under a name no value of the graph has yet (derived from {@code hint});
     * returns that name. The constant is visible to {@link #constant} at once.
     */
    String addInitializer(String hint, Tensor value) {
        String name = hint;
        for (int k = 1; producers.containsKey(name) || consumers.containsKey(name) || original.initializers().containsKey(name)
                || addedInitializers.containsKey(name) || original.typeOf(name) != null; k++) {
            name = hint + "_" + k;
        }
        addedInitializers.put(name, value);
        constants.put(name, value);
        return name;
    }

    /**
     * Removes node {@code i} and makes its outputs constants under their own names (initializers of the
     * rewritten graph), for a node whose outputs were computed ahead of the run.
     */
    void replaceByConstants(int i, Map<String, Tensor> outputs) {
        nodes[i] = null;
        addedInitializers.putAll(outputs);
        constants.putAll(outputs);
    }

    /**
     * Makes every node that reads {@code from} read {@code to} instead (a value known to be equal and
     * produced no later than {@code from}). The caller checks that no subgraph reads {@code from} and that
     * it is not a graph output.
     */
    void redirectReads(String from, String to) {
        List<Integer> readers = consumers.remove(from);
        if (readers == null) {
            return;
        }
        for (int r : new java.util.LinkedHashSet<>(readers)) {
            Node n = nodes[r];
            if (n == null) {
                continue;
            }
            Node.Builder b = n.toBuilder();
            for (int k = 0; k < n.inputs().size(); k++) {
                if (n.input(k).equals(from)) {
                    b.setInput(k, to);
                }
            }
            nodes[r] = b.build();
        }
        consumers.computeIfAbsent(to, k -> new ArrayList<>()).addAll(readers);
    }

    /**
     * Drops initializer {@code value} from the rewritten graph when it is one that is not also a graph input
     * and at most {@code readersLeft} node inputs read it (the caller is removing those reads).
     */
    void dropInitializerIfUnread(String value, int readersLeft) {
        boolean isInput = original.inputs().stream().anyMatch(v -> v.name().equals(value));
        if (original.initializers().containsKey(value) && !isInput && !graphOutputs.contains(value) && readers(value) <= readersLeft) {
            droppedInitializers.add(value);
        }
    }

    /** The graph with the rewrites applied; everything but the node list and initializers is the original's. */
    Graph graph() {
        List<Node> kept = new ArrayList<>(nodes.length);
        for (Node n : nodes) {
            if (n != null) {
                kept.add(n);
            }
        }
        Graph.Builder b = original.toBuilder().clearNodes().nodes(kept);
        droppedInitializers.forEach(b::removeInitializer);
        addedInitializers.forEach(b::initializer);
        return b.build();
    }
}
