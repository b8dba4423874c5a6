package dev.kiln.converters.onnx;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.i;
import static dev.kiln.converters.onnx.ProtoModels.ints;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.testing.OrtReference;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelWriterTest {
    private static final DType F = DType.FLOAT;
    private final OnnxModelWriter writer = new OnnxModelWriter();

    @Test
    void modelsOwnOpsetIsKeptWhenTheNodesAllowIt() {
        Model m = read(model(13, graph("id").addInput(value("x", F, 2)).addNode(node("Relu", List.of("x"), List.of("y")))
                .addOutput(anyShape("y", F)).build()));
        ModelProto p = writer.toProto(m, 0);
        assertEquals(13, p.getOpsetImport(0).getVersion());
        assertEquals(8, p.getIrVersion(), "the model's own IR version, which is above what opset 13 needs");
    }

    @Test
    void modelsOwnOpsetIsWrittenInThatOpsetsForms() {
        Model m = reduceMeanAt13();
        assertEquals(13, m.opsetVersion(""), "the model remembers its opset");
        ModelProto p = writer.toProto(m, 0);
        assertEquals(13, p.getOpsetImport(0).getVersion());
        assertEquals(1, p.getGraph().getNode(0).getInputCount(), "axes are an attribute again");
        assertTrue(p.getGraph().getNode(0).getAttributeList().stream().anyMatch(a -> a.getName().equals("axes")));
        assertEquals(0, p.getGraph().getInitializerCount(), "the axes constant is gone with the input");
    }

    @Test
    void modelsOwnOpsetIsRaisedWhenItCannotExpressANode() {
        ModelProto p = writer.toProto(computedAxesAt13(), 0);
        assertEquals(18, p.getOpsetImport(0).getVersion());
        assertTrue(p.getIrVersion() >= 8, "IR version follows the opset");
    }

    @Test
    void targetThatCannotExpressANodeIsRefusedNamingTheNode() {
        OpsetExportException e = assertThrows(OpsetExportException.class,
                () -> writer.write(computedAxesAt13(), new ByteArrayOutputStream(), 13));
        assertEquals("ReduceMean", e.opType());
        assertEquals(13, e.opsetVersion());
        assertEquals("'mean' (ReduceMean)", e.node());
        assertTrue(e.getMessage().contains("'axes'") && e.getMessage().contains("constant"), e.getMessage());
    }

    @Test
    void opThatDidNotExistYetIsRefused() {
        Graph g = Graph.builder("gelu").input("x", ValueType.tensor(F, 2)).node(Node.builder("Gelu").name("g").inputs("x").output("y").build())
                .output("y", ValueType.tensor(F, 2)).build();
        Model m = Model.builder(g).opset("", 20).build();
        OpsetExportException e = assertThrows(OpsetExportException.class, () -> writer.toProto(m, 19));
        assertEquals("Gelu", e.opType());
        assertEquals(19, e.opsetVersion());
        assertTrue(e.getMessage().contains("introduced in ai.onnx opset 20"), e.getMessage());
    }

    @Test
    void explicitTargetIsWritten() {
        ModelProto p = writer.toProto(reduceMeanAt13(), 20);
        assertEquals(20, p.getOpsetImport(0).getVersion());
        assertEquals(9, p.getIrVersion());
    }

    @Test
    void sparseConstantRoundTripsAndRuns() {
        Tensor dense = Tensor.of(new float[] {0, 3, 0, 0, -1, 0}, 2, 3);
        Graph g = Graph.builder("sparse").node(Node.builder("Constant").output("c").attribute(Attribute.sparse("sparse_value", dense)).build())
                .output("c", new ValueType.TensorType(F, Shape.of(2, 3))).build();
        Model m = Model.builder(g).opset("", 13).build();
        ModelProto p = writer.toProto(m, 0);
        AttributeProto a = p.getGraph().getNode(0).getAttribute(0);
        assertEquals(AttributeProto.AttributeType.SPARSE_TENSOR, a.getType());
        assertEquals(2, a.getSparseTensor().getValues().getDims(0), "only the non-zeros are stored");
        Model back = read(p);
        assertEquals(AttributeType.SPARSE_TENSOR, back.graph().nodes().get(0).attribute("sparse_value").type());
        assertEquals(m.graph(), back.graph());
        assertArrayEquals(dense.floatData(), back.graph().nodes().get(0).attribute("sparse_value").asTensor().floatData());
    }

    @Test
    void inputsWithDefaultsAreWrittenAsInputAndInitializer() {
        Graph g = Graph.builder("defaults").input("x", ValueType.tensor(F, 2)).input("bias", ValueType.tensor(F, 2))
                .initializer("bias", Tensor.of(new float[] {10, 20}, 2))
                .node(Node.builder("Add").inputs("x", "bias").output("y").build()).output("y", ValueType.tensor(F, 2)).build();
        ModelProto p = writer.toProto(Model.builder(g).opset("", 14).build(), 0);
        assertEquals(2, p.getGraph().getInputCount());
        assertEquals("bias", p.getGraph().getInitializer(0).getName());
        Tensor y = OrtReference.run(p.toByteArray(), Map.of("x", Tensor.of(new float[] {1, 2}, 2))).get("y");
        assertArrayEquals(new float[] {11, 22}, y.floatData());
    }

    /** ReduceMean with axes computed at run time: opset 13 cannot take them as an attribute. */
    private static Model computedAxesAt13() {
        Graph g = Graph.builder("mean").input("x", ValueType.tensor(F, 2, 3)).input("axes", ValueType.tensor(DType.INT64, 1))
                .node(Node.builder("ReduceMean").name("mean").inputs("x", "axes").output("y").build())
                .output("y", new ValueType.TensorType(F, null)).build();
        return Model.builder(g).opset("", 13).build();
    }

    private static Model reduceMeanAt13() {
        return read(model(13, graph("mean").addInput(value("x", F, 2, 3)).addNode(node("ReduceMean", List.of("x"), List.of("y"),
                ints("axes", 1), i("keepdims", 0))).addOutput(anyShape("y", F)).build()));
    }

    private static Model read(ModelProto p) {
        return new OnnxModelReader().read(p.toByteArray(), ModelLoadOptions.defaults());
    }
}
