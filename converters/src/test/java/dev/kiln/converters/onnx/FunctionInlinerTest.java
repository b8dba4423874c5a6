package dev.kiln.converters.onnx;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.f;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.FunctionProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.OperatorSetIdProto;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Calls of model-local functions are replaced by their bodies with fresh names and bound attributes. */
class FunctionInlinerTest {
    private static final DType F = DType.FLOAT;

    @Test
    void functionCallsAreInlinedWithBoundAttributesAndGiveOrtsResults() {
        ModelProto m = scaledAddModel();
        Model imported = new OnnxModelReader().read(m.toByteArray(), ModelLoadOptions.defaults());
        GraphVerifier.verify(imported.graph());
        List<Node> nodes = imported.graph().nodes();
        assertEquals(List.of("Constant", "Mul", "Add", "Constant", "Mul", "Add"), nodes.stream().map(Node::opType).toList());
        assertTrue(nodes.stream().allMatch(n -> n.domain().isEmpty()), "only standard ops remain");
        assertEquals(3f, nodes.get(0).getFloat("value_float", 0), "the call's attribute is bound");
        assertEquals(2f, nodes.get(3).getFloat("value_float", 0), "the function's default applies");
        Set<String> outputs = new HashSet<>();
        nodes.forEach(n -> assertTrue(outputs.add(n.output(0)), "value " + n.output(0) + " defined once"));
        assertFalse(imported.opsetImports().containsKey("custom"), "the function-only domain is gone");

        Map<String, Tensor> feeds = Map.of("x", Tensor.of(new float[] {1, 2}, 2), "y", Tensor.of(new float[] {10, 20}, 2));
        Map<String, Tensor> expected = OrtReference.run(m.toByteArray(), feeds);
        Map<String, Tensor> actual = OrtReference.run(new OnnxModelWriter().toBytes(imported), feeds);
        TensorAssert.assertClose(expected.get("z2"), actual.get("z2"), 1e-6, 0);
        assertEquals(1 + 3 * 10 + 2 * 10, actual.get("z2").getFloat(0), 1e-6);
    }

    @Test
    void recursiveFunctionsAreRefused() {
        FunctionProto loop = FunctionProto.newBuilder().setDomain("custom").setName("Again").addInput("a").addOutput("b")
                .addNode(NodeProto.newBuilder().setOpType("Again").setDomain("custom").addInput("a").addOutput("b"))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
        ModelProto m = model(13, graph("rec").addInput(value("x", F, 1))
                .addNode(NodeProto.newBuilder().setOpType("Again").setDomain("custom").addInput("x").addOutput("y"))
                .addOutput(anyShape("y", F)).build()).toBuilder().addFunctions(loop)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("custom").setVersion(1)).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> new OnnxModelReader().read(m.toByteArray(), ModelLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("calls itself"), e.getMessage());
    }

    /** z1 = x + 3 * y via custom::ScaledAdd(alpha=3); z2 = z1 + 2 * y via the default alpha. */
    static ModelProto scaledAddModel() {
        AttributeProto refAlpha = AttributeProto.newBuilder().setName("value_float").setType(AttributeProto.AttributeType.FLOAT)
                .setRefAttrName("alpha").build();
        FunctionProto fn = FunctionProto.newBuilder().setDomain("custom").setName("ScaledAdd").addInput("a").addInput("b").addOutput("out")
                .addAttributeProto(f("alpha", 2f))
                .addNode(node("Constant", List.of(), List.of("s"), refAlpha))
                .addNode(node("Mul", List.of("b", "s"), List.of("bs")))
                .addNode(node("Add", List.of("a", "bs"), List.of("out")))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
        NodeProto call1 = NodeProto.newBuilder().setOpType("ScaledAdd").setDomain("custom").addInput("x").addInput("y").addOutput("z1")
                .addAttribute(f("alpha", 3f)).build();
        NodeProto call2 = NodeProto.newBuilder().setOpType("ScaledAdd").setDomain("custom").addInput("z1").addInput("y").addOutput("z2").build();
        return model(13, graph("calls").addInput(value("x", F, 2)).addInput(value("y", F, 2)).addNode(call1).addNode(call2)
                .addOutput(value("z2", F, 2)).build()).toBuilder().setIrVersion(8).addFunctions(fn)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("custom").setVersion(1)).build();
    }
}
