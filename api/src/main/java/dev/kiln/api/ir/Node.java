package dev.kiln.api.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable operator application. Inputs and outputs are value names; an empty name marks an
 * optional input or output that is absent. The domain is {@code ""} for the default {@code ai.onnx}
 * domain. Build one with {@link #builder(String)}.
 */
public final class Node {
    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;
    private final String docString;

    private Node(Builder b) {
        this.name = b.name == null ? "" : b.name;
        this.opType = b.opType;
        this.domain = b.domain == null || b.domain.equals("ai.onnx") ? "" : b.domain;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.docString = b.docString == null ? "" : b.docString;
    }

    public static Builder builder(String opType) {
        return new Builder(opType);
    }

    /** A builder starting from this node's fields, for passes that rewrite a node. */
    public Builder toBuilder() {
        Builder b = new Builder(opType).name(name).domain(domain).docString(docString);
        b.inputs.addAll(inputs);
        b.outputs.addAll(outputs);
        b.attributes.putAll(attributes);
        return b;
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    public String domain() {
        return domain;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Input {@code i}'s value name, or "" when absent or past the end. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return i < inputs.size() && !inputs.get(i).isEmpty();
    }

    public String output(int i) {
        return i < outputs.size() ? outputs.get(i) : "";
    }

    public Map<String, Attribute> attributes() {
        return attributes;
    }

    public Attribute attribute(String attrName) {
        return attributes.get(attrName);
    }

    public boolean hasAttribute(String attrName) {
        return attributes.containsKey(attrName);
    }

    public String docString() {
        return docString;
    }

    public long getInt(String attr, long defaultValue) {
        Attribute a = attributes.get(attr);
        return a == null ? defaultValue : a.asLong();
    }

    public float getFloat(String attr, float defaultValue) {
        Attribute a = attributes.get(attr);
        return a == null ? defaultValue : a.asFloat();
    }

    public String getString(String attr, String defaultValue) {
        Attribute a = attributes.get(attr);
        return a == null ? defaultValue : a.asString();
    }

    /** The INTS attribute, or {@code defaultValue} (may be null) when absent. */
    public long[] getInts(String attr, long[] defaultValue) {
        Attribute a = attributes.get(attr);
        return a == null ? defaultValue : a.asLongs();
    }

    public float[] getFloats(String attr, float[] defaultValue) {
        Attribute a = attributes.get(attr);
        return a == null ? defaultValue : a.asFloats();
    }

    /** The subgraphs held in GRAPH and GRAPHS attributes, in attribute order. */
    public List<Graph> subgraphs() {
        List<Graph> out = new ArrayList<>();
        for (Attribute a : attributes.values()) {
            if (a.type() == AttributeType.GRAPH) {
                out.add(a.asGraph());
            } else if (a.type() == AttributeType.GRAPHS) {
                out.addAll(a.asGraphs());
            }
        }
        return out;
    }

    /** "name (Op)" or "Op -> out0" when unnamed, for messages. */
    public String describe() {
        String qualified = domain.isEmpty() ? opType : domain + "::" + opType;
        return name.isEmpty() ? qualified + " -> '" + output(0) + "'" : "'" + name + "' (" + qualified + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && n.name.equals(name) && n.opType.equals(opType) && n.domain.equals(domain)
                && n.inputs.equals(inputs) && n.outputs.equals(outputs) && n.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, opType, domain, inputs, outputs);
    }

    @Override
    public String toString() {
        return describe() + " " + inputs + " -> " + outputs + (attributes.isEmpty() ? "" : " " + attributes.values());
    }

    /** Collects a node's fields; {@link #build()} checks them. */
    public static final class Builder {
        private String name;
        private final String opType;
        private String domain = "";
        private final List<String> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private final Map<String, Attribute> attributes = new LinkedHashMap<>();
        private String docString;

        private Builder(String opType) {
            this.opType = opType;
        }

        public Builder name(String v) {
            this.name = v;
            return this;
        }

        public Builder domain(String v) {
            this.domain = v;
            return this;
        }

        public Builder docString(String v) {
            this.docString = v;
            return this;
        }

        public Builder input(String v) {
            inputs.add(v == null ? "" : v);
            return this;
        }

        public Builder inputs(String... v) {
            for (String s : v) {
                input(s);
            }
            return this;
        }

        public Builder inputs(List<String> v) {
            v.forEach(this::input);
            return this;
        }

        /** Replaces input {@code i}, padding with absent inputs as needed. */
        public Builder setInput(int i, String v) {
            while (inputs.size() <= i) {
                inputs.add("");
            }
            inputs.set(i, v == null ? "" : v);
            return this;
        }

        public Builder clearInputs() {
            inputs.clear();
            return this;
        }

        public Builder output(String v) {
            outputs.add(v == null ? "" : v);
            return this;
        }

        public Builder outputs(String... v) {
            for (String s : v) {
                output(s);
            }
            return this;
        }

        public Builder outputs(List<String> v) {
            v.forEach(this::output);
            return this;
        }

        public Builder clearOutputs() {
            outputs.clear();
            return this;
        }

        public Builder attribute(Attribute a) {
            attributes.put(a.name(), a);
            return this;
        }

        public Builder removeAttribute(String attrName) {
            attributes.remove(attrName);
            return this;
        }

        public Builder attr(String n, long v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, float v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, String v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, long... v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, float[] v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, dev.kiln.api.tensor.Tensor v) {
            return attribute(Attribute.of(n, v));
        }

        public Builder attr(String n, Graph v) {
            return attribute(Attribute.of(n, v));
        }

        public Node build() {
            if (opType == null || opType.isEmpty()) {
                throw new IllegalStateException("a node needs an op type");
            }
            // trailing absent inputs carry no meaning; dropping them keeps equality stable across round trips
            while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
                inputs.remove(inputs.size() - 1);
            }
            if (outputs.isEmpty()) {
                throw new IllegalStateException("node " + (name == null ? opType : name) + " (" + opType + ") has no outputs");
            }
            return new Node(this);
        }
    }
}
