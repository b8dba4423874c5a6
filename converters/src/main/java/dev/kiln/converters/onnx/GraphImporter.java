package dev.kiln.converters.onnx;

import dev.kiln.api.KilnException;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.adapters.OpsetAdapters;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.SparseTensorProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds IR graphs from {@code GraphProto}s: values with their types, initializers (sparse ones
 * densified), and nodes with local functions inlined and old opset forms adapted to canonical ones.
 * Subgraphs are imported recursively within the depth limit. One instance per model load.
 */
final class GraphImporter {
    private final LoadContext ctx;
    private final NameRegistry names;
    private final FunctionInliner inliner;
    private final int onnxOpset;

    GraphImporter(LoadContext ctx, NameRegistry names, FunctionInliner inliner, int onnxOpset) {
        this.ctx = ctx;
        this.names = names;
        this.inliner = inliner;
        this.onnxOpset = onnxOpset;
    }

    Graph importGraph(GraphProto g, GraphScope outer, int depth) {
        String what = "graph '" + g.getName() + "'";
        if (depth > ctx.options().maxGraphDepth()) {
            throw new ModelLoadException(what + ": subgraphs are nested deeper than " + ctx.options().maxGraphDepth() + " levels");
        }
        Graph.Builder b = Graph.builder(g.getName()).docString(g.getDocString());
        GraphScope scope = new GraphScope(outer, b, names);
        Set<String> inputNames = new HashSet<>();
        g.getInputList().forEach(v -> inputNames.add(v.getName()));
        Set<String> seen = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            addInitializer(b, scope, t.getName(), TensorProtos.toTensor(t, ctx, "initializer '" + t.getName() + "' of " + what),
                    inputNames, seen, what);
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            String name = s.getValues().getName();
            addInitializer(b, scope, name, SparseTensors.densify(s, ctx, "sparse initializer '" + name + "' of " + what),
                    inputNames, seen, what);
        }
        for (ValueInfoProto v : g.getInputList()) {
            b.input(value(v, scope, what + " input"));
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            b.valueInfo(value(v, scope, what + " value_info"));
        }
        for (ValueInfoProto v : g.getOutputList()) {
            b.output(value(v, scope, what + " output"));
        }
        for (NodeProto n : g.getNodeList()) {
            for (FunctionInliner.Scoped s : inliner.expand(n, onnxOpset)) {
                Node node = toNode(s.node(), scope, depth, what);
                scope.atOpset(s.onnxOpset());
                try {
                    for (Node adapted : OpsetAdapters.adapt(node, scope)) {
                        b.node(adapted);
                        scope.produced(adapted);
                    }
                } catch (UnsupportedOpException e) {
                    // the reader's contract is ModelLoadException; the typed cause keeps op, domain and opset
                    throw new ModelLoadException(what + ": " + e.getMessage(), e);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new ModelLoadException(what + ", node " + node.describe() + ": " + e.getMessage(), e);
                }
            }
        }
        try {
            return b.build();
        } catch (KilnException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    private static void addInitializer(Graph.Builder b, GraphScope scope, String name, Tensor t, Set<String> inputs,
            Set<String> seen, String what) {
        if (name.isEmpty()) {
            throw new ModelLoadException(what + ": an initializer has no name");
        }
        if (!seen.add(name)) {
            throw new ModelLoadException(what + ": initializer '" + name + "' is defined twice");
        }
        b.initializer(name, t);
        // an initializer that is also an input is only a default the caller may override
        if (inputs.contains(name)) {
            scope.declare(name, new ValueType.TensorType(t.dtype(), t.shape()));
        } else {
            scope.constant(name, t);
        }
    }

    private static Value value(ValueInfoProto v, GraphScope scope, String what) {
        if (v.getName().isEmpty()) {
            throw new ModelLoadException(what + ": a value has no name");
        }
        String where = what + " '" + v.getName() + "'";
        Value value = new Value(v.getName(), v.hasType() ? TypeProtos.toValueType(v.getType(), where) : null, v.getDocString());
        scope.declare(value.name(), value.type());
        return value;
    }

    private Node toNode(NodeProto n, GraphScope scope, int depth, String what) {
        String where = what + ", node " + (n.getName().isEmpty() ? n.getOpType() + " -> " + n.getOutputList() : "'" + n.getName() + "'");
        if (n.getOpType().isEmpty()) {
            throw new ModelLoadException(where + ": has no op_type");
        }
        if (n.getOutputCount() == 0) {
            throw new ModelLoadException(where + ": has no outputs");
        }
        Node.Builder b = Node.builder(n.getOpType()).name(n.getName()).domain(n.getDomain()).docString(n.getDocString())
                .inputs(n.getInputList()).outputs(n.getOutputList());
        Set<String> attrNames = new HashSet<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (!attrNames.add(a.getName())) {
                throw new ModelLoadException(where + ": attribute '" + a.getName() + "' is given twice");
            }
            Attribute attr = AttributeProtos.toAttribute(a, ctx, sub -> importGraph(sub, scope, depth + 1), where);
            b.attribute(attr);
        }
        return b.build();
    }
}
