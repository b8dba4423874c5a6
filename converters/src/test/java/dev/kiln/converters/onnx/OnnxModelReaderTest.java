package dev.kiln.converters.onnx;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.f;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.i;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.OperatorSetIdProto;
import dev.kiln.converters.proto.OnnxProto.SparseTensorProto;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import dev.kiln.converters.proto.OnnxProto.TensorShapeProto;
import dev.kiln.converters.proto.OnnxProto.TypeProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxModelReaderTest {
    private static final DType F = DType.FLOAT;
    private final OnnxModelReader reader = new OnnxModelReader();

    @Test
    void truncatedProtobufIsAModelLoadException() {
        byte[] whole = identityModel().toByteArray();
        for (int cut : new int[] {1, whole.length / 2, whole.length - 3}) {
            byte[] part = Arrays.copyOf(whole, whole.length - cut);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.read(part, ModelLoadOptions.defaults()));
            assertTrue(e.getMessage().contains("truncated or malformed protobuf"), e.getMessage());
        }
    }

    @Test
    void garbageIsAModelLoadException() {
        byte[] junk = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x01};
        assertThrows(ModelLoadException.class, () -> reader.read(junk, ModelLoadOptions.defaults()));
    }

    @Test
    void isFoundThroughTheFormatRegistry() {
        assertInstanceOf(OnnxModelReader.class, ModelFormats.reader("onnx"));
        assertInstanceOf(OnnxModelWriter.class, ModelFormats.writer("onnx"));
        assertTrue(reader.canRead(identityModel().toByteArray()));
        assertFalse(reader.canRead("PK\u0003\u0004".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    @Test
    void modelFieldsAreKept() {
        ModelProto m = identityModel().toBuilder().setProducerName("exporter").setProducerVersion("2.1").setModelVersion(7)
                .setDocString("doc").setDomain("org.example").setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("kiln")).build();
        Model model = reader.read(m.toByteArray(), ModelLoadOptions.defaults());
        assertEquals("exporter", model.producerName());
        assertEquals("2.1", model.producerVersion());
        assertEquals(7, model.modelVersion());
        assertEquals("doc", model.docString());
        assertEquals("org.example", model.domain());
        assertEquals(8, model.irVersion());
        assertEquals(3, model.opsetVersion("ai.onnx.ml"));
        assertEquals("kiln", model.metadata().get("author"));
    }

    @Test
    void symbolicAndUnknownDimsAreKept() {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder())
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3)).build();
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(F.code()).setShape(shape))).build();
        GraphProto g = graph("sym").addInput(x).addNode(node("Relu", List.of("x"), List.of("y"))).addOutput(anyShape("y", F)).build();
        Model m = reader.read(model(14, g).toByteArray(), ModelLoadOptions.defaults());
        assertEquals(new ValueType.TensorType(F, Shape.symbolic("batch", null, 3L)), m.graph().inputs().get(0).type());
        assertEquals(new ValueType.TensorType(F, null), m.graph().outputs().get(0).type());
    }

    @Test
    void theModelOwnsItsDataAfterReadEvenThoughParsingAliasesTheBytes() {
        GraphProto g = graph("owned").addInput(value("x", F, 3))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1.5f, -2, 3}, 3), "w"))
                .addNode(node("Add", List.of("x", "w"), List.of("y"), f("unused", 0.25f))).addOutput(anyShape("y", F)).build();
        byte[] bytes = model(13, g).toByteArray();
        Model m = reader.read(bytes, ModelLoadOptions.defaults());
        Arrays.fill(bytes, (byte) 0x5A);
        assertArrayEquals(new float[] {1.5f, -2, 3}, m.graph().initializers().get("w").floatData());
        assertEquals("owned", m.graph().name());
        assertEquals("Add", m.graph().nodes().get(0).opType());
    }

    @Test
    void inputWithInitializerStaysAnInputWithADefault() {
        GraphProto g = graph("defaults").addInput(value("x", F, 2)).addInput(value("w", F, 2))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1, 2}, 2), "w"))
                .addNode(node("Add", List.of("x", "w"), List.of("y"))).addOutput(anyShape("y", F)).build();
        Model m = reader.read(model(13, g).toByteArray(), ModelLoadOptions.defaults());
        assertEquals(List.of("x", "w"), m.graph().inputs().stream().map(dev.kiln.api.ir.Value::name).toList());
        assertEquals(List.of("x"), m.graph().requiredInputs().stream().map(dev.kiln.api.ir.Value::name).toList());
        assertArrayEquals(new float[] {1, 2}, m.graph().initializers().get("w").floatData());
    }

    @Test
    void graphInputNamesAreTheInputsToFeedWithoutConvertingTheModel() {
        GraphProto g = graph("names").addInput(value("x", F, 2)).addInput(value("w", F, 2)).addInput(value("z", F, 2))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1, 2}, 2), "w"))
                .addNode(node("Add", List.of("x", "w"), List.of("y0")))
                .addNode(node("Add", List.of("y0", "z"), List.of("y"))).addOutput(anyShape("y", F)).build();
        byte[] bytes = model(13, g).toByteArray();
        List<String> required = reader.read(bytes, ModelLoadOptions.defaults()).graph().requiredInputs().stream()
                .map(dev.kiln.api.ir.Value::name).toList();
        assertEquals(List.of("x", "z"), OnnxModelReader.graphInputNames(bytes));
        assertEquals(required, OnnxModelReader.graphInputNames(bytes));
        byte[] junk = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x01};
        assertThrows(ModelLoadException.class, () -> OnnxModelReader.graphInputNames(junk));
    }

    @Test
    void sparseInitializersAreDensified() {
        SparseTensorProto linear = SparseTensorProto.newBuilder().addDims(2).addDims(3)
                .setValues(TensorProtos.toProto(Tensor.of(new float[] {5, 7}, 2), "s"))
                .setIndices(TensorProtos.toProto(Tensor.of(new long[] {1, 5}, 2), "")).build();
        SparseTensorProto coords = SparseTensorProto.newBuilder().addDims(2).addDims(3)
                .setValues(TensorProtos.toProto(Tensor.of(new float[] {5, 7}, 2), "c"))
                .setIndices(TensorProtos.toProto(Tensor.of(new long[] {0, 1, 1, 2}, 2, 2), "")).build();
        GraphProto g = graph("sparse").addSparseInitializer(linear).addSparseInitializer(coords)
                .addNode(node("Add", List.of("s", "c"), List.of("y"))).addOutput(anyShape("y", F)).build();
        Model m = reader.read(model(13, g).toByteArray(), ModelLoadOptions.defaults());
        assertArrayEquals(new float[] {0, 5, 0, 0, 0, 7}, m.graph().initializers().get("s").floatData());
        assertArrayEquals(new float[] {0, 5, 0, 0, 0, 7}, m.graph().initializers().get("c").floatData());
        SparseTensorProto outOfRange = linear.toBuilder().setIndices(TensorProtos.toProto(Tensor.of(new long[] {1, 6}, 2), "")).build();
        GraphProto bad = g.toBuilder().setSparseInitializer(0, outOfRange).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.read(model(13, bad).toByteArray(), ModelLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("'s'"), e.getMessage());
    }

    @Test
    void attributesWithoutTypeFieldGetItFromTheirValue() {
        AttributeProto untyped = AttributeProto.newBuilder().setName("alpha").setF(0.2f).build();
        GraphProto g = graph("legacy").addInput(value("x", F, 2)).addNode(node("LeakyRelu", List.of("x"), List.of("y"), untyped))
                .addOutput(anyShape("y", F)).build();
        Model m = reader.read(model(9, g).toByteArray(), ModelLoadOptions.defaults());
        assertEquals(0.2f, m.graph().nodes().get(0).getFloat("alpha", 0));
    }

    @Test
    void subgraphsDeeperThanTheLimitAreRefused() {
        GraphProto inner = graph("leaf").addNode(node("Identity", List.of("x"), List.of("o"))).addOutput(anyShape("o", F)).build();
        for (int level = 0; level < 3; level++) {
            inner = graph("level" + level).addNode(node("If", List.of("c"), List.of("o" + level), ProtoModels.g("then_branch", inner),
                    ProtoModels.g("else_branch", inner))).addOutput(anyShape("o" + level, F)).build();
        }
        GraphProto g = inner.toBuilder().addInput(value("c", DType.BOOL)).addInput(value("x", F, 1)).build();
        byte[] bytes = model(13, g).toByteArray();
        GraphVerifier.verify(reader.read(bytes, ModelLoadOptions.defaults()).graph());
        ModelLoadOptions shallow = new ModelLoadOptions(null, ModelLoadOptions.DEFAULT_MAX_BYTES, 2);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.read(bytes, shallow));
        assertTrue(e.getMessage().contains("nested deeper than 2"), e.getMessage());
    }

    @Test
    void tensorBytesBeyondTheLimitAreRefused() {
        GraphProto g = graph("big").addInitializer(TensorProtos.toProto(Tensor.zeros(F, 64), "big_weight"))
                .addNode(node("Identity", List.of("big_weight"), List.of("y"))).addOutput(anyShape("y", F)).build();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> reader.read(model(13, g).toByteArray(), ModelLoadOptions.defaults().withMaxBytes(100)));
        assertTrue(e.getMessage().contains("big_weight"), e.getMessage());
    }

    @Test
    void duplicateInitializersAreRefused() {
        GraphProto g = graph("dup").addInitializer(TensorProtos.toProto(Tensor.scalar(1f), "w"))
                .addInitializer(TensorProtos.toProto(Tensor.scalar(2f), "w"))
                .addNode(node("Identity", List.of("w"), List.of("y"))).addOutput(anyShape("y", F)).build();
        assertThrows(ModelLoadException.class, () -> reader.read(model(13, g).toByteArray(), ModelLoadOptions.defaults()));
    }

    @Test
    void nodesWithoutOutputsAreRefused() {
        GraphProto g = graph("broken").addInput(value("x", F, 1)).addNode(node("Relu", List.of("x"), List.of())).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.read(model(13, g).toByteArray(), ModelLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("Relu"), e.getMessage());
    }

    static ModelProto identityModel() {
        return model(13, graph("id").addInput(value("x", F, 2, 2)).addNode(node("Identity", List.of("x"), List.of("y"),
                i("unused", 1), f("also_unused", 2f))).addOutput(anyShape("y", F)).build());
    }
}
