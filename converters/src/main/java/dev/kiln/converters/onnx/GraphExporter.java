package dev.kiln.converters.onnx;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.Map;

/**
 * Writes IR graphs as {@code GraphProto}s: inputs (an input with an initializer is written as both, the
 * ONNX form of a default), outputs, value infos, initializers, and nodes with their attributes and
 * subgraphs. Nodes are written as they are; choosing the opset is the model writer's job. Stateless.
 */
final class GraphExporter {
    private GraphExporter() {
    }

    static GraphProto toProto(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
        if (!g.docString().isEmpty()) {
            b.setDocString(g.docString());
        }
        g.inputs().forEach(v -> b.addInput(valueInfo(v)));
        g.outputs().forEach(v -> b.addOutput(valueInfo(v)));
        g.valueInfo().values().forEach(v -> b.addValueInfo(valueInfo(v)));
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            b.addInitializer(TensorProtos.toProto(e.getValue(), e.getKey()));
        }
        g.nodes().forEach(n -> b.addNode(toProto(n)));
        return b.build();
    }

    static NodeProto toProto(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.name().isEmpty()) {
            b.setName(n.name());
        }
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        if (!n.docString().isEmpty()) {
            b.setDocString(n.docString());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(AttributeProtos.toProto(a, GraphExporter::toProto));
        }
        return b.build();
    }

    private static ValueInfoProto valueInfo(Value v) {
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        if (v.type() != null) {
            b.setType(TypeProtos.toProto(v.type()));
        }
        if (!v.docString().isEmpty()) {
            b.setDocString(v.docString());
        }
        return b.build();
    }
}
