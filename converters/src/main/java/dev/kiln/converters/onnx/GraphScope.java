package dev.kiln.converters.onnx;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.adapters.AdapterContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the importer knows about the values of one graph being built (types, constant values), linked
 * to the enclosing graph's scope so that subgraphs see outer values. Serves as the opset adapters'
 * context; constants they add become initializers of this graph. Not thread-safe.
 */
final class GraphScope implements AdapterContext {
    private final GraphScope parent;
    private final Graph.Builder graph;
    private final NameRegistry names;
    private final Map<String, ValueType> types = new HashMap<>();
    private final Map<String, Tensor> constants = new HashMap<>();
    private final Set<String> defined = new HashSet<>();
    private int opset;

    GraphScope(GraphScope parent, Graph.Builder graph, NameRegistry names) {
        this.parent = parent;
        this.graph = graph;
        this.names = names;
    }

    /** Sets the opset of the node about to be adapted (inlined function bodies may differ from the graph). */
    void atOpset(int v) {
        this.opset = v;
    }

    void declare(String name, ValueType type) {
        defined.add(name);
        if (type != null) {
            types.put(name, type);
        }
    }

    void constant(String name, Tensor value) {
        defined.add(name);
        constants.put(name, value);
        types.putIfAbsent(name, new ValueType.TensorType(value.dtype(), value.shape()));
    }

    /** Records what a node adds to the scope: the value of a Constant node's output. */
    void produced(Node n) {
        n.outputs().forEach(defined::add);
        if (n.domain().isEmpty() && n.opType().equals("Constant") && n.hasAttribute("value")) {
            constant(n.output(0), n.attribute("value").asTensor());
        }
    }

    @Override
    public int opset() {
        return opset;
    }

    @Override
    public String freshName(String hint) {
        return names.fresh(hint);
    }

    @Override
    public String addConstant(String hint, Tensor value) {
        String name = names.fresh(hint);
        graph.initializer(name, value);
        constant(name, value);
        return name;
    }

    @Override
    public ValueType typeOf(String valueName) {
        if (defined.contains(valueName) || parent == null) {
            return types.get(valueName);
        }
        return parent.typeOf(valueName);
    }

    @Override
    public Tensor constantValue(String valueName) {
        // a local non-constant value hides an outer constant of the same name
        if (defined.contains(valueName) || parent == null) {
            return constants.get(valueName);
        }
        return parent.constantValue(valueName);
    }
}
