package dev.kiln.api.ir;

import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable computation graph: nodes in topological order over named values. Initializers are
 * constant tensors; a graph input that also has an initializer is an input with a default value.
 * Subgraphs (If/Loop/Scan bodies) live in node attributes and may read values of enclosing graphs by
 * name. Build one with {@link #builder(String)}; check it with {@link GraphVerifier}.
 */
public final class Graph {
    private final String name;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final Map<String, Value> valueInfo;
    private final String docString;
    private volatile Map<String, Node> producers;

    private Graph(Builder b) {
        this.name = b.name == null ? "" : b.name;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.nodes = List.copyOf(b.nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
        this.valueInfo = Collections.unmodifiableMap(new LinkedHashMap<>(b.valueInfo));
        this.docString = b.docString == null ? "" : b.docString;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding all of this graph's parts, for passes that produce a modified copy. */
    public Builder toBuilder() {
        Builder b = new Builder(name).docString(docString);
        b.inputs.addAll(inputs);
        b.outputs.addAll(outputs);
        b.nodes.addAll(nodes);
        b.initializers.putAll(initializers);
        b.valueInfo.putAll(valueInfo);
        return b;
    }

    public String name() {
        return name;
    }

    /** Declared graph inputs in order, including those that have an initializer as default. */
    public List<Value> inputs() {
        return inputs;
    }

    /** Graph inputs a caller must (or may) feed: those without an initializer come first in ONNX order. */
    public List<Value> requiredInputs() {
        List<Value> r = new ArrayList<>();
        for (Value v : inputs) {
            if (!initializers.containsKey(v.name())) {
                r.add(v);
            }
        }
        return r;
    }

    public List<Value> outputs() {
        return outputs;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** Types known for intermediate values, by name. */
    public Map<String, Value> valueInfo() {
        return valueInfo;
    }

    public String docString() {
        return docString;
    }

    /** The node producing {@code valueName} in this graph (not enclosing graphs), or null. */
    public Node producer(String valueName) {
        Map<String, Node> p = producers;
        if (p == null) {
            p = new HashMap<>();
            for (Node n : nodes) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        p.put(o, n);
                    }
                }
            }
            producers = p;
        }
        return p.get(valueName);
    }

    /** The static type recorded for a value of this graph (input, output, value info or initializer), or null. */
    public ValueType typeOf(String valueName) {
        for (Value v : inputs) {
            if (v.name().equals(valueName) && v.type() != null) {
                return v.type();
            }
        }
        for (Value v : outputs) {
            if (v.name().equals(valueName) && v.type() != null) {
                return v.type();
            }
        }
        Value vi = valueInfo.get(valueName);
        if (vi != null && vi.type() != null) {
            return vi.type();
        }
        Tensor t = initializers.get(valueName);
        return t == null ? null : new ValueType.TensorType(t.dtype(), t.shape());
    }

    /** Names of values this graph (with its subgraphs) reads but does not define: outer-scope references. */
    public Set<String> outerScopeReferences() {
        Set<String> defined = new HashSet<>();
        inputs.forEach(v -> defined.add(v.name()));
        defined.addAll(initializers.keySet());
        Set<String> outer = new java.util.LinkedHashSet<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    outer.add(in);
                }
            }
            for (Graph g : n.subgraphs()) {
                for (String in : g.outerScopeReferences()) {
                    if (!defined.contains(in)) {
                        outer.add(in);
                    }
                }
            }
            n.outputs().forEach(defined::add);
        }
        for (Value v : outputs) {
            if (!defined.contains(v.name())) {
                outer.add(v.name());
            }
        }
        return outer;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Graph g)) {
            return false;
        }
        if (!g.name.equals(name) || !g.inputs.equals(inputs) || !g.outputs.equals(outputs) || !g.nodes.equals(nodes)
                || !g.initializers.keySet().equals(initializers.keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : initializers.entrySet()) {
            if (!e.getValue().contentEquals(g.initializers.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, inputs, outputs, nodes.size());
    }

    @Override
    public String toString() {
        return "Graph '" + name + "' (" + nodes.size() + " nodes, " + inputs.size() + " inputs, " + outputs.size() + " outputs)";
    }

    /** Collects a graph's parts; {@link #build()} checks names are unique where ONNX requires it. */
    public static final class Builder {
        private final String name;
        private final List<Value> inputs = new ArrayList<>();
        private final List<Value> outputs = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Tensor> initializers = new LinkedHashMap<>();
        private final Map<String, Value> valueInfo = new LinkedHashMap<>();
        private String docString;

        private Builder(String name) {
            this.name = name;
        }

        public Builder docString(String v) {
            this.docString = v;
            return this;
        }

        public Builder input(Value v) {
            inputs.add(Objects.requireNonNull(v));
            return this;
        }

        public Builder input(String valueName, ValueType type) {
            return input(new Value(valueName, type));
        }

        public Builder output(Value v) {
            outputs.add(Objects.requireNonNull(v));
            return this;
        }

        public Builder output(String valueName, ValueType type) {
            return output(new Value(valueName, type));
        }

        public Builder node(Node n) {
            nodes.add(Objects.requireNonNull(n));
            return this;
        }

        public Builder nodes(List<Node> ns) {
            ns.forEach(this::node);
            return this;
        }

        public Builder clearNodes() {
            nodes.clear();
            return this;
        }

        public Builder clearInputs() {
            inputs.clear();
            return this;
        }

        public Builder clearOutputs() {
            outputs.clear();
            return this;
        }

        public Builder initializer(String valueName, Tensor t) {
            initializers.put(valueName, Objects.requireNonNull(t));
            return this;
        }

        public Builder removeInitializer(String valueName) {
            initializers.remove(valueName);
            return this;
        }

        public Builder clearInitializers() {
            initializers.clear();
            return this;
        }

        public Builder valueInfo(Value v) {
            valueInfo.put(v.name(), v);
            return this;
        }

        public Builder clearValueInfo() {
            valueInfo.clear();
            return this;
        }

        public Graph build() {
            Set<String> seen = new HashSet<>();
            for (Value v : inputs) {
                if (!seen.add(v.name())) {
                    throw new InvalidGraphException("graph '" + name + "': input '" + v.name() + "' is declared twice");
                }
            }
            return new Graph(this);
        }
    }
}
