package dev.kiln.converters.onnx.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.onnx.OpsetExportException;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inverse adapters for opsets too old for ONNX Runtime (checked by structure) and for Constant's shorthand attributes. */
class OpsetDowngradeTest {
    private static final DType F = DType.FLOAT;

    @Test
    void batchNormalizationBefore7SaysInferenceAndOpset1GetsItsHint() {
        Node bn = Node.builder("BatchNormalization").inputs("x", "s", "b", "m", "v").output("y").attr("epsilon", 1e-3f).build();
        NodeProto six = write(graph(bn, "x", "s", "b", "m", "v"), 6);
        assertEquals(1L, attr(six, "is_test").getI());
        NodeProto one = write(graph(bn, "x", "s", "b", "m", "v"), 1);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), attr(one, "consumed_inputs").getIntsList());
        Node training = bn.toBuilder().clearOutputs().outputs("y", "rm", "rv").attr("training_mode", 1L).build();
        assertTrue(refused(graph(training, "x", "s", "b", "m", "v"), 13).getMessage().contains("training mode"));
    }

    @Test
    void castBefore6NamesTheTargetType() {
        NodeProto n = write(graph(Node.builder("Cast").inputs("x").output("y").attr("to", (long) DType.INT32.code()).build(), "x"), 5);
        assertEquals("INT32", attr(n, "to").getS().toStringUtf8());
    }

    @Test
    void broadcastBefore7IsExplicitAndOnlyForTrailingAxes() {
        Graph suffix = Graph.builder("add").input("a", ValueType.tensor(F, 2, 3)).input("b", ValueType.tensor(F, 3))
                .node(Node.builder("Add").inputs("a", "b").output("y").build()).output("y", ValueType.tensor(F, 2, 3)).build();
        assertEquals(1L, attr(write(suffix, 6), "broadcast").getI());
        Graph leading = Graph.builder("add").input("a", ValueType.tensor(F, 2, 3)).input("b", ValueType.tensor(F, 2, 1))
                .node(Node.builder("Add").inputs("a", "b").output("y").build()).output("y", ValueType.tensor(F, 2, 3)).build();
        assertTrue(refused(leading, 6).getMessage().contains("trailing axes"));
    }

    @Test
    void gemmAndRecurrentOpsBefore7GetTheirLegacyFlags() {
        NodeProto gemm = write(graph(Node.builder("Gemm").inputs("a", "b", "c").output("y").build(), "a", "b", "c"), 6);
        assertEquals(1L, attr(gemm, "broadcast").getI());
        NodeProto lstm = write(graph(Node.builder("LSTM").inputs("x", "w", "r").outputs("y", "h").attr("hidden_size", 2L).build(), "x", "w", "r"), 6);
        assertEquals(1L, attr(lstm, "output_sequence").getI());
        Node batchFirst = Node.builder("GRU").inputs("x", "w", "r").output("y").attr("hidden_size", 2L).attr("layout", 1L).build();
        assertTrue(refused(graph(batchFirst, "x", "w", "r"), 13).getMessage().contains("layout"));
    }

    @Test
    void lpPoolBefore2TakesAFloatNormOrder() {
        NodeProto n = write(graph(Node.builder("GlobalLpPool").inputs("x").output("y").attr("p", 3L).build(), "x"), 1);
        assertEquals(AttributeProto.AttributeType.FLOAT, attr(n, "p").getType());
        assertEquals(3f, attr(n, "p").getF());
    }

    @Test
    void constantShorthandsBecomeValueTensorsBefore12() {
        Graph g = Graph.builder("c").node(Node.builder("Constant").output("c").attr("value_ints", 4L, 5L).build())
                .node(Node.builder("Identity").inputs("c").output("y").build()).output("y", ValueType.tensor(DType.INT64, 2)).build();
        ModelProto m = new OnnxModelWriter().toProto(Model.builder(g).opset("", 13).build(), 11);
        assertEquals("value", m.getGraph().getNode(0).getAttribute(0).getName());
        Tensor y = OrtReference.run(m.toByteArray(), Map.of()).get("y");
        assertEquals(List.of(4L, 5L), List.of(y.getLong(0), y.getLong(1)));
    }

    @Test
    void removedOpsAndOpsNotYetDefinedAreRefusedAndRenamedOnesWritten() {
        Node scatter = Node.builder("ScatterElements").inputs("d", "i", "u").output("y").attr("axis", 0L).build();
        assertEquals("Scatter", write(graph(scatter, "d", "i", "u"), 10).getOpType());
        assertTrue(refused(graph(scatter, "d", "i", "u"), 8).getMessage().contains("introduced in ai.onnx opset 9"));
        Node grid = Node.builder("GridSample").inputs("x", "g").output("y").attr("mode", "cubic").build();
        assertEquals("bicubic", attr(write(graph(grid, "x", "g"), 16), "mode").getS().toStringUtf8());
        Node roi = Node.builder("RoiAlign").inputs("x", "r", "i").output("y").build();
        assertTrue(refused(graph(roi, "x", "r", "i"), 15).getMessage().contains("half_pixel"));
    }

    /** A graph around one node; inputs are float tensors, except 'i', which holds int64 indices. */
    private static Graph graph(Node n, String... inputs) {
        Graph.Builder b = Graph.builder("g");
        for (String in : inputs) {
            b.input(in, new ValueType.TensorType(in.equals("i") ? DType.INT64 : F, null));
        }
        for (String out : n.outputs()) {
            b.output(out, new ValueType.TensorType(F, null));
        }
        return b.node(n).build();
    }

    private static NodeProto write(Graph g, int opset) {
        ModelProto m = new OnnxModelWriter().toProto(Model.builder(g).opset("", 21).build(), opset);
        assertEquals(opset, m.getOpsetImport(0).getVersion());
        return m.getGraph().getNode(m.getGraph().getNodeCount() - 1);
    }

    private static OpsetExportException refused(Graph g, int opset) {
        return assertThrows(OpsetExportException.class, () -> new OnnxModelWriter().toProto(Model.builder(g).opset("", 21).build(), opset));
    }

    private static AttributeProto attr(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing from " + n));
    }
}
