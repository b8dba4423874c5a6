package dev.kiln.converters.onnx;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemas;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.adapters.AdapterContext;
import dev.kiln.converters.onnx.adapters.OpForms;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the exporter knows about the values of one graph being written at an older opset: recorded
 * types (completed by the op schemas' shape inference), and the values of initializers and Constant nodes (also through a CastLike to a float or
 * unknown type, the form the importer gives a float bound whose type it did not know). Constants the inverse adapters add
 * are collected for the rewritten graph. Linked to the enclosing graph's scope; not thread-safe.
 */
final class ExportScope implements AdapterContext {
    private static final Set<DType> FLOATS = Set.of(DType.FLOAT, DType.DOUBLE, DType.FLOAT16, DType.BFLOAT16);

    private final ExportScope parent;
    private final Graph graph;
    private final Set<String> names;
    private final int opset;
    private final Set<String> defined = new HashSet<>();
    private final Map<String, Tensor> added = new HashMap<>();
    private final Map<String, ValueType> inferred = new HashMap<>();

    ExportScope(ExportScope parent, Graph graph, Set<String> names, int opset) {
        this.parent = parent;
        this.graph = graph;
        this.names = names;
        this.opset = opset;
        graph.inputs().forEach(v -> defined.add(v.name()));
        defined.addAll(graph.initializers().keySet());
        graph.nodes().forEach(n -> defined.addAll(n.outputs()));
        graph.nodes().forEach(this::inferOutputs);
    }

    /**
     * Records the types the op schemas infer for a node's outputs that the graph does not declare, so
     * that rewrites needing a rank or an element type also work on intermediate values.
     */
    private void inferOutputs(Node n) {
        OpSchema schema = OpSchemas.lookup(n.domain(), n.opType(), -1);
        if (schema == null || schema.inference() == null) {
            return;
        }
        List<ValueType> outs;
        try {
            outs = schema.inference().infer(new InferenceContext() {
                @Override
                public Node node() {
                    return n;
                }

                @Override
                public int opsetVersion() {
                    return OpForms.LATEST;
                }

                @Override
                public int inputCount() {
                    return n.inputs().size();
                }

                @Override
                public ValueType inputType(int i) {
                    return n.hasInput(i) ? typeOf(n.input(i)) : null;
                }

                @Override
                public Tensor constantInput(int i) {
                    return n.hasInput(i) ? constantValue(n.input(i)) : null;
                }
            });
        } catch (RuntimeException e) {
            // inference that rejects or cannot handle the node leaves its outputs unknown, as before
            return;
        }
        for (int k = 0; outs != null && k < Math.min(outs.size(), n.outputs().size()); k++) {
            if (!n.output(k).isEmpty() && outs.get(k) != null) {
                inferred.put(n.output(k), outs.get(k));
            }
        }
    }

    /** Constants added by the inverse adapters, by name. */
    Map<String, Tensor> added() {
        return added;
    }

    @Override
    public int opset() {
        return opset;
    }

    @Override
    public String freshName(String hint) {
        String base = hint == null || hint.isEmpty() ? "v" : hint;
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    @Override
    public String addConstant(String hint, Tensor value) {
        String name = freshName(hint);
        added.put(name, value);
        return name;
    }

    @Override
    public ValueType typeOf(String valueName) {
        if (!defined.contains(valueName)) {
            return parent == null ? null : parent.typeOf(valueName);
        }
        ValueType declared = graph.typeOf(valueName);
        ValueType guess = inferred.get(valueName);
        // a declared type wins unless it lacks the shape inference found for the same element type
        if (declared instanceof ValueType.TensorType d && d.shape() == null && guess instanceof ValueType.TensorType g
                && g.elementType() == d.elementType()) {
            return guess;
        }
        return declared != null ? declared : guess;
    }

    @Override
    public Tensor constantValue(String valueName) {
        if (added.containsKey(valueName)) {
            return added.get(valueName);
        }
        if (!defined.contains(valueName)) {
            return parent == null ? null : parent.constantValue(valueName);
        }
        Tensor init = graph.initializers().get(valueName);
        if (init != null) {
            // an initializer that is also an input is only a default the caller may override
            return graph.inputs().stream().map(Value::name).anyMatch(valueName::equals) ? null : init;
        }
        Node p = graph.producer(valueName);
        if (p == null || !p.domain().isEmpty()) {
            return null;
        }
        if (p.opType().equals("Constant") && p.hasAttribute("value")) {
            return p.attribute("value").asTensor();
        }
        if (p.opType().equals("CastLike")) {
            ValueType like = typeOf(p.input(1));
            boolean toFloat = like == null || like instanceof ValueType.TensorType t && FLOATS.contains(t.elementType());
            return toFloat ? constantValue(p.input(0)) : null;
        }
        return null;
    }
}
