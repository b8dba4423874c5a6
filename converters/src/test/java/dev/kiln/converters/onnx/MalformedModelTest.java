package dev.kiln.converters.onnx;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.g;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.tensor.DType;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import dev.kiln.converters.proto.OnnxProto.TypeProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each way a hostile or broken model can be malformed is refused with a {@link ModelLoadException}
 * whose message names the reason, never with another exception or an allocation of the declared size.
 */
class MalformedModelTest {
    private static final DType F = DType.FLOAT;
    private final OnnxModelReader reader = new OnnxModelReader();

    @Test
    void truncatedProtobuf() {
        byte[] whole = relu().toByteArray();
        refused(Arrays.copyOf(whole, whole.length - 5), "truncated or malformed protobuf");
    }

    @Test
    void corruptProtobufTag() {
        byte[] whole = relu().toByteArray();
        byte[] bytes = Arrays.copyOf(whole, whole.length + 2);
        // a trailing field 1 of wire type 7, which does not exist
        bytes[whole.length] = (byte) 0x0F;
        refused(bytes, "truncated or malformed protobuf");
    }

    @Test
    void notAModelAtAll() {
        refused("hello, this is not protobuf".getBytes(java.nio.charset.StandardCharsets.UTF_8), "");
    }

    @Test
    void lengthPrefixLongerThanTheMessage() {
        // field 7 (graph), length 2^31-1, followed by 3 bytes
        refused(new byte[] {0x08, 0x08, 0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3}, "truncated or malformed protobuf");
    }

    @Test
    void protobufNestedBeyondTheRecursionLimit() {
        GraphProto inner = leaf();
        for (int level = 0; level < 400; level++) {
            inner = graph("l" + level).addNode(node("If", List.of("c"), List.of("o"), g("then_branch", inner), g("else_branch", leaf())))
                    .addOutput(anyShape("o", F)).build();
        }
        refused(model(13, inner).toByteArray(), "");
    }

    @Test
    void subgraphsNestedTooDeep() {
        GraphProto inner = leaf();
        for (int level = 0; level < 40; level++) {
            inner = graph("l" + level).addNode(node("If", List.of("c"), List.of("o"), g("then_branch", inner), g("else_branch", leaf())))
                    .addOutput(anyShape("o", F)).build();
        }
        GraphProto top = inner.toBuilder().addInput(value("c", DType.BOOL)).addInput(value("x", F, 1)).build();
        refused(model(13, top).toByteArray(), "nested deeper than " + ModelLoadOptions.DEFAULT_MAX_GRAPH_DEPTH);
    }

    @Test
    void attributeOfTheWrongType() {
        // declared INT, carries a float: the value the kernel would read is not there
        AttributeProto alpha = AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.INT).setF(0.5f).build();
        GraphProto gr = graph("wrongattr").addInput(value("x", F, 2)).addNode(node("LeakyRelu", List.of("x"), List.of("y"), alpha))
                .addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "alpha");
    }

    @Test
    void unknownElementType() {
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(99))).build();
        GraphProto gr = graph("badtype").addInput(x).addNode(node("Relu", List.of("x"), List.of("y"))).addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "element type 99");
    }

    @Test
    void initializerWithUndefinedDataType() {
        TensorProto w = TensorProto.newBuilder().setName("w").addDims(1).setDataType(0).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
    }

    @Test
    void cycleBetweenNodes() {
        GraphProto gr = graph("cycle").addInput(value("x", F, 2))
                .addNode(node("Add", List.of("x", "b"), List.of("a")))
                .addNode(node("Relu", List.of("a"), List.of("b")))
                .addOutput(anyShape("b", F)).build();
        refused(model(13, gr).toByteArray(), "'b'");
    }

    @Test
    void danglingInputName() {
        GraphProto gr = graph("dangling").addInput(value("x", F, 2)).addNode(node("Add", List.of("x", "nowhere"), List.of("y")))
                .addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "'nowhere'");
    }

    @Test
    void undefinedGraphOutput() {
        GraphProto gr = graph("noout").addInput(value("x", F, 2)).addNode(node("Relu", List.of("x"), List.of("y")))
                .addOutput(anyShape("z", F)).build();
        refused(model(13, gr).toByteArray(), "'z'");
    }

    @Test
    void valueProducedTwice() {
        GraphProto gr = graph("twice").addInput(value("x", F, 2))
                .addNode(node("Relu", List.of("x"), List.of("y")))
                .addNode(node("Neg", List.of("x"), List.of("y")))
                .addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "'y'");
    }

    @Test
    void nodeOverwritingAGraphInput() {
        GraphProto gr = graph("shadow").addInput(value("x", F, 2)).addNode(node("Relu", List.of("x"), List.of("x")))
                .addOutput(anyShape("x", F)).build();
        refused(model(13, gr).toByteArray(), "'x'");
    }

    @Test
    void duplicateGraphInputs() {
        GraphProto gr = graph("dupin").addInput(value("x", F, 2)).addInput(value("x", F, 3))
                .addNode(node("Relu", List.of("x"), List.of("y"))).addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "'x'");
    }

    @Test
    void negativeDimInAnInitializer() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(-2).build();
        refused(model(13, identityOf(w)).toByteArray(), "negative");
    }

    @Test
    void negativeDimInADeclaredType() {
        GraphProto gr = graph("negdim").addInput(value("x", F, 2, -5)).addNode(node("Relu", List.of("x"), List.of("y")))
                .addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "negative");
    }

    @Test
    void absurdDimWithoutData() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(1L << 40).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
    }

    @Test
    void elementCountWhoseByteSizeOverflows() {
        // 2^21 * 2^21 * 2^21 elements: the count overflows a long before the size in bytes is formed
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(DType.DOUBLE.code())
                .addDims(1L << 21).addDims(1L << 21).addDims(1L << 21).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
        TensorProto v = TensorProto.newBuilder().setName("w").setDataType(DType.DOUBLE.code()).addDims(1L << 61).build();
        refused(model(13, identityOf(v)).toByteArray(), "'w'");
    }

    @Test
    void rawDataShorterThanTheShape() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(2).setRawData(ByteString.copyFrom(new byte[7])).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
    }

    @Test
    void typedDataLongerThanTheShape() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(2).addFloatData(1).addFloatData(2).addFloatData(3).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
    }

    @Test
    void dataInTheFieldOfAnotherType() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(2).addInt64Data(1).addInt64Data(2).build();
        refused(model(13, identityOf(w)).toByteArray(), "'w'");
    }

    @Test
    void tensorBytesBeyondTheConfiguredLimit() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(F.code()).addDims(1000).setRawData(ByteString.copyFrom(new byte[4000])).build();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> reader.read(model(13, identityOf(w)).toByteArray(), ModelLoadOptions.defaults().withMaxBytes(1000)));
        assertTrue(e.getMessage().contains("maxBytes"), e.getMessage());
    }

    @Test
    void constantAttributeCountsAgainstTheLimit() {
        TensorProto w = TensorProto.newBuilder().setDataType(F.code()).addDims(1000).setRawData(ByteString.copyFrom(new byte[4000])).build();
        AttributeProto value = AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(w).build();
        GraphProto gr = graph("const").addNode(node("Constant", List.of(), List.of("y"), value)).addOutput(anyShape("y", F)).build();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> reader.read(model(13, gr).toByteArray(), ModelLoadOptions.defaults().withMaxBytes(1000)));
        assertTrue(e.getMessage().contains("maxBytes"), e.getMessage());
    }

    @Test
    void invalidOpsetVersion() {
        ModelProto m = relu().toBuilder().setOpsetImport(0, relu().getOpsetImport(0).toBuilder().setVersion(-3)).build();
        refused(m.toByteArray(), "opset");
    }

    @Test
    void nodeWithoutOpType() {
        GraphProto gr = graph("noop").addInput(value("x", F, 2)).addNode(node("", List.of("x"), List.of("y")))
                .addOutput(anyShape("y", F)).build();
        refused(model(13, gr).toByteArray(), "op_type");
    }

    private static GraphProto leaf() {
        return graph("leaf").addNode(node("Identity", List.of("x"), List.of("o"))).addOutput(anyShape("o", F)).build();
    }

    private static ModelProto relu() {
        return model(13, graph("relu").addInput(value("x", F, 2)).addNode(node("Relu", List.of("x"), List.of("y")))
                .addOutput(anyShape("y", F)).build());
    }

    private static GraphProto identityOf(TensorProto w) {
        return graph("init").addInitializer(w).addNode(node("Identity", List.of(w.getName().isEmpty() ? "w" : w.getName()), List.of("y")))
                .addOutput(anyShape("y", F)).build();
    }

    private void refused(byte[] bytes, String reason) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.read(bytes, ModelLoadOptions.defaults()));
        assertTrue(e.getMessage() != null && e.getMessage().contains(reason), e.getMessage());
    }
}
