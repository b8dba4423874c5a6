package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.FunctionProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.OperatorSetIdProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces calls of model-local functions ({@code ModelProto.functions}) by the function bodies, so
 * that the IR holds only operators. Formal inputs and outputs become the call's actual names, every
 * other value of the body (also inside its subgraphs) gets a fresh model-wide unique name, and
 * attributes that refer to the call's attributes ({@code ref_attr_name}) take the call's value or the
 * function's default, or are dropped when neither exists. Nested calls are expanded; recursion is refused.
 */
final class FunctionInliner {
    /** A node of the expanded graph and the ai.onnx opset its form follows. */
    record Scoped(NodeProto node, int onnxOpset) {
    }

    private final Map<String, FunctionProto> functions = new LinkedHashMap<>();
    private final NameRegistry names;
    private final Deque<String> active = new ArrayDeque<>();

    FunctionInliner(ModelProto m, NameRegistry names) {
        this.names = names;
        for (FunctionProto f : m.getFunctionsList()) {
            if (functions.put(key(f.getDomain(), f.getName(), f.getOverload()), f) != null) {
                throw new ModelLoadException("model function " + f.getDomain() + "::" + f.getName() + " is defined twice");
            }
        }
    }

    /** The domains model-local functions are defined in. */
    Set<String> functionDomains() {
        Set<String> d = new HashSet<>();
        functions.values().forEach(f -> d.add(f.getDomain()));
        return d;
    }

    /** {@code node} itself when it calls no local function, else its expanded body. */
    List<Scoped> expand(NodeProto node, int onnxOpset) {
        FunctionProto f = functions.get(key(node.getDomain(), node.getOpType(), node.getOverload()));
        if (f == null) {
            return List.of(new Scoped(node, onnxOpset));
        }
        String id = key(f.getDomain(), f.getName(), f.getOverload());
        if (active.contains(id)) {
            throw new ModelLoadException("model function " + f.getDomain() + "::" + f.getName() + " calls itself (via " + active + ")");
        }
        active.push(id);
        try {
            int bodyOpset = onnxOpset;
            for (OperatorSetIdProto o : f.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    bodyOpset = (int) o.getVersion();
                }
            }
            Map<String, String> rename = new HashMap<>();
            rename.put("", "");
            for (int i = 0; i < f.getInputCount(); i++) {
                rename.put(f.getInput(i), i < node.getInputCount() ? node.getInput(i) : "");
            }
            for (int i = 0; i < f.getOutputCount(); i++) {
                String actual = i < node.getOutputCount() ? node.getOutput(i) : "";
                rename.put(f.getOutput(i), actual.isEmpty() ? names.fresh(prefix(node) + f.getOutput(i)) : actual);
            }
            Map<String, AttributeProto> bound = bindAttributes(f, node);
            List<Scoped> out = new ArrayList<>();
            for (NodeProto body : f.getNodeList()) {
                NodeProto renamed = rewriteNode(body, rename, bound, prefix(node));
                out.addAll(expand(renamed, bodyOpset));
            }
            return out;
        } finally {
            active.pop();
        }
    }

    private static Map<String, AttributeProto> bindAttributes(FunctionProto f, NodeProto call) {
        Map<String, AttributeProto> bound = new HashMap<>();
        f.getAttributeProtoList().forEach(a -> bound.put(a.getName(), a));
        call.getAttributeList().forEach(a -> bound.put(a.getName(), a));
        return bound;
    }

    private NodeProto rewriteNode(NodeProto n, Map<String, String> rename, Map<String, AttributeProto> bound, String prefix) {
        NodeProto.Builder b = n.toBuilder().clearInput().clearOutput().clearAttribute();
        n.getInputList().forEach(v -> b.addInput(rename(v, rename, prefix)));
        n.getOutputList().forEach(v -> b.addOutput(rename(v, rename, prefix)));
        if (!n.getName().isEmpty()) {
            b.setName(prefix + n.getName());
        }
        for (AttributeProto a : n.getAttributeList()) {
            AttributeProto resolved = a;
            if (a.hasRefAttrName()) {
                AttributeProto value = bound.get(a.getRefAttrName());
                if (value == null) {
                    continue;
                }
                resolved = value.toBuilder().setName(a.getName()).build();
            }
            if (resolved.hasG() || resolved.getGraphsCount() > 0) {
                AttributeProto.Builder ab = resolved.toBuilder().clearGraphs();
                if (resolved.hasG()) {
                    ab.setG(rewriteGraph(resolved.getG(), rename, bound, prefix));
                }
                resolved.getGraphsList().forEach(g -> ab.addGraphs(rewriteGraph(g, rename, bound, prefix)));
                resolved = ab.build();
            }
            b.addAttribute(resolved);
        }
        return b.build();
    }

    private GraphProto rewriteGraph(GraphProto g, Map<String, String> rename, Map<String, AttributeProto> bound, String prefix) {
        GraphProto.Builder b = g.toBuilder().clearNode().clearInput().clearOutput().clearValueInfo().clearInitializer();
        for (ValueInfoProto v : g.getInputList()) {
            b.addInput(v.toBuilder().setName(rename(v.getName(), rename, prefix)));
        }
        for (ValueInfoProto v : g.getOutputList()) {
            b.addOutput(v.toBuilder().setName(rename(v.getName(), rename, prefix)));
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            b.addValueInfo(v.toBuilder().setName(rename(v.getName(), rename, prefix)));
        }
        g.getInitializerList().forEach(t -> b.addInitializer(t.toBuilder().setName(rename(t.getName(), rename, prefix))));
        b.clearSparseInitializer();
        g.getSparseInitializerList().forEach(s -> b.addSparseInitializer(s.toBuilder()
                .setValues(s.getValues().toBuilder().setName(rename(s.getValues().getName(), rename, prefix)))));
        g.getNodeList().forEach(n -> b.addNode(rewriteNode(n, rename, bound, prefix)));
        return b.build();
    }

    private String rename(String v, Map<String, String> rename, String prefix) {
        return rename.computeIfAbsent(v, k -> names.fresh(prefix + k));
    }

    private static String prefix(NodeProto call) {
        return (call.getName().isEmpty() ? call.getOpType() : call.getName()) + "/";
    }

    private static String key(String domain, String name, String overload) {
        return (domain.equals("ai.onnx") ? "" : domain) + "::" + name + "::" + overload;
    }
}
