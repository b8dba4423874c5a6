package dev.kiln.converters.onnx.adapters;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.f;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.i;
import static dev.kiln.converters.onnx.ProtoModels.ints;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.s;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelReader;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.onnx.TensorProtos;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Opset forms too old for ONNX Runtime: the canonical rewrite is checked by structure (and, where it runs, by result). */
class OpsetAdaptersTest {
    private static final DType F = DType.FLOAT;

    @Test
    void broadcastAtAnAxisUnsqueezesB() {
        GraphProto g = graph("add").addNode(node("Add", List.of("a", "b"), List.of("y"), i("broadcast", 1), i("axis", 1)))
                .addInput(value("a", F, 2, 3, 4)).addInput(value("b", F, 3)).addOutput(anyShape("y", F)).build();
        Model m = load(model(6, g));
        List<Node> nodes = m.graph().nodes();
        assertEquals(List.of("Unsqueeze", "Add"), nodes.stream().map(Node::opType).toList());
        assertArrayEquals(new long[] {1}, m.graph().initializers().get(nodes.get(0).input(1)).longData());
        assertTrue(nodes.get(1).attributes().isEmpty());
        float[] a = new float[24];
        for (int k = 0; k < 24; k++) {
            a[k] = k;
        }
        Map<String, Tensor> out = OrtReference.run(new OnnxModelWriter().toBytes(m),
                Map.of("a", Tensor.of(a, 2, 3, 4), "b", Tensor.of(new float[] {100, 200, 300}, 3)));
        Tensor y = out.get("y");
        assertEquals(5 + 200f, y.getFloat(5), "element [0,1,1] gets b[1]");
        assertEquals(23 + 300f, y.getFloat(23), "element [1,2,3] gets b[2]");
    }

    @Test
    void suffixBroadcastOnlyDropsTheAttributes() {
        GraphProto g = graph("mul").addNode(node("Mul", List.of("a", "b"), List.of("y"), i("broadcast", 1)))
                .addInput(value("a", F, 2, 3)).addInput(value("b", F, 3)).addOutput(anyShape("y", F)).build();
        Node n = load(model(5, g)).graph().nodes().get(0);
        assertTrue(n.attributes().isEmpty());
    }

    @Test
    void cast1TargetNameBecomesCode() {
        Node n = only(model(5, single(node("Cast", List.of("x"), List.of("y"), s("to", "INT32")), "x")));
        assertEquals((long) DType.INT32.code(), n.getInt("to", -1));
    }

    @Test
    void tile1OneAxisBecomesRepeats() {
        GraphProto g = graph("tile").addNode(node("Tile", List.of("x", "tiles", "axis"), List.of("y")))
                .addInitializer(TensorProtos.toProto(Tensor.scalar(3L), "tiles"))
                .addInitializer(TensorProtos.toProto(Tensor.scalar(1L), "axis"))
                .addInput(value("x", F, 2, 4)).addOutput(anyShape("y", F)).build();
        Model m = load(model(5, g));
        Node n = m.graph().nodes().get(0);
        assertEquals(2, n.inputs().size());
        assertArrayEquals(new long[] {1, 3}, m.graph().initializers().get(n.input(1)).longData());
    }

    @Test
    void concatWithoutAxisGetsTheOldDefault() {
        GraphProto g = graph("concat").addNode(node("Concat", List.of("a", "b"), List.of("y")))
                .addInput(value("a", F, 2, 2)).addInput(value("b", F, 2, 2)).addOutput(anyShape("y", F)).build();
        assertEquals(1L, load(model(3, g)).graph().nodes().get(0).getInt("axis", -1));
    }

    @Test
    void legacyHintsAreDropped() {
        Node relu = only(model(5, single(node("Relu", List.of("x"), List.of("y"), ints("consumed_inputs", 0)), "x")));
        assertFalse(relu.hasAttribute("consumed_inputs"));
        GraphProto g = graph("gemm").addNode(node("Gemm", List.of("a", "b", "c"), List.of("y"), i("broadcast", 1)))
                .addInput(value("a", F, 2, 3)).addInput(value("b", F, 3, 4)).addInput(value("c", F, 4)).addOutput(anyShape("y", F)).build();
        assertTrue(load(model(6, g)).graph().nodes().get(0).attributes().isEmpty());
    }

    @Test
    void lpPool1FloatOrderBecomesInt() {
        Node n = only(model(1, single(node("GlobalLpPool", List.of("x"), List.of("y"), f("p", 3f)), "x")));
        assertEquals(3L, n.getInt("p", -1));
    }

    @Test
    void clipOfUnknownTypeCastsItsBoundsLikeTheInput() {
        GraphProto g = graph("clip").addNode(node("Clip", List.of("x"), List.of("y"), f("min", 0f)))
                .addInput(dev.kiln.converters.proto.OnnxProto.ValueInfoProto.newBuilder().setName("x")).addOutput(anyShape("y", F)).build();
        Model m = load(model(9, g));
        assertEquals(List.of("CastLike", "Clip"), m.graph().nodes().stream().map(Node::opType).toList());
        assertEquals(15, OpsetAdapters.minimumOpset(m.graph().nodes().get(0)), "CastLike needs opset 15");
    }

    @Test
    void perActivationBatchNormalizationIsRefusedNamingTheOp() {
        GraphProto g = graph("bn").addNode(node("BatchNormalization", List.of("x", "s", "b", "m", "v"), List.of("y"), i("spatial", 0)))
                .addInput(value("x", F, 2, 3)).addInput(value("s", F, 3)).addInput(value("b", F, 3)).addInput(value("m", F, 3))
                .addInput(value("v", F, 3)).addOutput(anyShape("y", F)).build();
        ModelLoadException thrown = assertThrows(ModelLoadException.class, () -> load(model(7, g)));
        UnsupportedOpException e = assertInstanceOf(UnsupportedOpException.class, thrown.getCause());
        assertEquals("BatchNormalization", e.opType());
        assertEquals(7, e.opsetVersion());
    }

    @Test
    void scan8WithSequenceLengthsIsRefused() {
        GraphProto body = graph("body").addNode(node("Identity", List.of("x"), List.of("o")))
                .addInput(value("x", F, 2)).addOutput(value("o", F, 2)).build();
        GraphProto g = graph("scan").addNode(node("Scan", List.of("lens", "xs"), List.of("outs"), i("num_scan_inputs", 1),
                        dev.kiln.converters.onnx.ProtoModels.g("body", body)))
                .addInput(value("lens", DType.INT64, 1)).addInput(value("xs", F, 1, 3, 2)).addOutput(anyShape("outs", F)).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load(model(8, g)));
        assertInstanceOf(UnsupportedOpException.class, e.getCause());
        assertTrue(e.getMessage().contains("sequence_lens") && e.getMessage().contains("Scan"), e.getMessage());
    }

    @Test
    void everyAdapterOwnsDistinctOps() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (OpsetAdapter a : OpsetAdapters.all()) {
            for (String op : a.opTypes()) {
                assertTrue(seen.add(op), op + " is claimed by two adapters");
            }
        }
    }

    private static GraphProto single(dev.kiln.converters.proto.OnnxProto.NodeProto n, String input) {
        return graph(n.getOpType().toLowerCase()).addNode(n).addInput(value(input, F, 1, 2, 3, 3)).addOutput(anyShape("y", F)).build();
    }

    private static Model load(ModelProto m) {
        Model model = new OnnxModelReader().read(m.toByteArray(), ModelLoadOptions.defaults());
        GraphVerifier.verify(model.graph());
        return model;
    }

    private static Node only(ModelProto m) {
        List<Node> nodes = load(m).graph().nodes();
        assertEquals(1, nodes.size());
        return nodes.get(0);
    }
}
