package dev.kiln.converters.onnx;

import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.FunctionProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.SparseTensorProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Every value name a model uses, in all graphs and function bodies, so that names made up during import
 * (adapter constants, inlined function values) collide with none. Names are handed out
 * deterministically: the same model always gets the same new names. Not thread-safe.
 */
final class NameRegistry {
    private final Set<String> used = new HashSet<>();

    static NameRegistry of(ModelProto m) {
        NameRegistry r = new NameRegistry();
        r.addGraph(m.getGraph());
        for (FunctionProto f : m.getFunctionsList()) {
            r.used.addAll(f.getInputList());
            r.used.addAll(f.getOutputList());
            f.getNodeList().forEach(r::addNode);
        }
        return r;
    }

    /** {@code hint} if unused, else the first unused {@code hint_N}; the result is reserved. */
    String fresh(String hint) {
        String base = hint == null || hint.isEmpty() ? "v" : hint;
        String name = base;
        for (int i = 1; used.contains(name); i++) {
            name = base + "_" + i;
        }
        used.add(name);
        return name;
    }

    private void addGraph(GraphProto g) {
        g.getInputList().forEach(this::addValue);
        g.getOutputList().forEach(this::addValue);
        g.getValueInfoList().forEach(this::addValue);
        for (TensorProto t : g.getInitializerList()) {
            used.add(t.getName());
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            used.add(t.getValues().getName());
        }
        g.getNodeList().forEach(this::addNode);
    }

    private void addNode(NodeProto n) {
        used.addAll(n.getInputList());
        used.addAll(n.getOutputList());
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                addGraph(a.getG());
            }
            a.getGraphsList().forEach(this::addGraph);
        }
    }

    private void addValue(ValueInfoProto v) {
        used.add(v.getName());
    }
}
