package dev.kiln.samples.opset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Old-opset models run on Kiln's CPU backend like in ONNX Runtime. Each model is built in canonical
 * form and written at an old opset by the exporter's inverse adapters, so the bytes hold the old form
 * (attributes, Upsample, per-group GroupNormalization); Kiln reads them back through the import
 * adapters and runs them, and ORT runs the same bytes.
 */
class OldOpsetModelsRunLikeOrtTest {
    private static final DType F = DType.FLOAT;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("Slice-1", 9, unary(Node.builder("Slice").inputs("x", "starts", "ends", "axes").output("y0"), 4, 5)
                        .initializer("starts", longs(1, -3)).initializer("ends", longs(3, 100)).initializer("axes", longs(0, 1))),
                Arguments.of("Pad-2", 10, unary(Node.builder("Pad").inputs("x", "pads", "v").output("y0"), 2, 3)
                        .initializer("pads", longs(1, 0, 0, 2)).initializer("v", Tensor.scalar(1.5f))),
                Arguments.of("Pad-2 reflect", 9, unary(Node.builder("Pad").inputs("x", "pads").output("y0").attr("mode", "reflect"), 3, 4)
                        .initializer("pads", longs(0, 2, 0, 1))),
                Arguments.of("Clip-6", 10, unary(Node.builder("Clip").inputs("x", "lo", "hi").output("y0"), 12)
                        .initializer("lo", Tensor.scalar(-0.2f)).initializer("hi", Tensor.scalar(0.3f))),
                Arguments.of("Upsample-9", 9, resize()),
                Arguments.of("Upsample-7", 7, resize()),
                Arguments.of("Resize-10", 10, resize()),
                Arguments.of("Split-2", 11, unary(Node.builder("Split").inputs("x", "sizes").outputs("y0", "y1").attr("axis", 1L), 2, 5)
                        .initializer("sizes", longs(2, 3))),
                Arguments.of("ReduceMean-1", 11, unary(Node.builder("ReduceMean").inputs("x", "axes").output("y0").attr("keepdims", 0L), 2, 3, 4)
                        .initializer("axes", longs(-1, 0))),
                Arguments.of("ReduceSum-11", 12, unary(Node.builder("ReduceSum").inputs("x", "axes").output("y0"), 2, 3, 4).initializer("axes", longs(1))),
                Arguments.of("Squeeze-1", 12, unary(Node.builder("Squeeze").inputs("x", "axes").output("y0"), 3, 1, 4).initializer("axes", longs(1))),
                Arguments.of("TopK-1", 9, unary(Node.builder("TopK").inputs("x", "k").outputs("y0", "y1").attr("axis", 1L), 3, 6).initializer("k", longs(2))),
                Arguments.of("Dropout-10", 10, unary(Node.builder("Dropout").inputs("x", "r").output("y0"), 4, 4).initializer("r", Tensor.scalar(0.25f))),
                Arguments.of("Softmax-11 last axis", 11, unary(Node.builder("Softmax").inputs("x").output("y0").attr("axis", -1L), 2, 3, 4)),
                Arguments.of("GroupNormalization-18", 18, unary(Node.builder("GroupNormalization").inputs("x", "s", "b").output("y0").attr("num_groups", 2L), 2, 4, 3)
                        .initializer("s", Tensor.of(new float[] {0.5f, 0.5f, 2f, 2f}, 4)).initializer("b", Tensor.of(new float[] {1, 1, -1, -1}, 4))),
                Arguments.of("Reshape-1", 7, unary(Node.builder("Reshape").inputs("x", "shape").output("y0"), 2, 6).initializer("shape", longs(3, -1))));
    }

    @ParameterizedTest(name = "{0} at opset {1}")
    @MethodSource("models")
    void kilnRunsTheOldFormLikeOrt(String what, int opset, Graph.Builder graph) {
        Graph g = graph.build();
        Model canonical = Model.builder(g).opset("", 21).build();
        ModelProto old = new OnnxModelWriter().toProto(canonical, opset);
        assertEquals(opset, old.getOpsetImport(0).getVersion(), what + " is written at the old opset");
        long[] dims = ((ValueType.TensorType) g.inputs().get(0).type()).shape().dims();
        Map<String, Tensor> feeds = Map.of("x", random(dims));
        Map<String, Tensor> expected = OrtReference.run(old.toByteArray(), feeds);
        Map<String, RuntimeValue> actual;
        try (Session s = Session.open(old.toByteArray(), SessionOptions.defaults())) {
            actual = s.run(feeds);
        }
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            TensorAssert.assertClose(expected.get(k), (Tensor) actual.get(k), 1e-5, 1e-6);
        }
    }

    private static Graph.Builder resize() {
        return unary(Node.builder("Resize").inputs("x", "", "scales").output("y0").attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor"), 1, 1, 2, 3)
                .initializer("scales", Tensor.of(new float[] {1, 1, 2, 1.5f}, 4));
    }

    /** A graph feeding input x of the given dims to the node (outputs named y0, y1, ...), whose outputs are the graph's. */
    private static Graph.Builder unary(Node.Builder node, long... dims) {
        Node n = node.name("n").build();
        Graph.Builder b = Graph.builder("old").input("x", ValueType.tensor(F, dims)).node(n);
        for (String o : n.outputs()) {
            b.output(o, null);
        }
        return b;
    }

    private static Tensor longs(long... v) {
        return Tensor.of(v, v.length);
    }

    private static Tensor random(long... dims) {
        Random r = new Random(java.util.Arrays.hashCode(dims));
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }
}
