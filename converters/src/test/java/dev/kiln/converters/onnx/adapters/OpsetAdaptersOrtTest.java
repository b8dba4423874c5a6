package dev.kiln.converters.onnx.adapters;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.f;
import static dev.kiln.converters.onnx.ProtoModels.floats;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.i;
import static dev.kiln.converters.onnx.ProtoModels.ints;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.s;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelReader;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Old-opset forms that ONNX Runtime still runs: the original model and Kiln's import-then-export of it
 * must give the same outputs in ORT, and the imported node must be in canonical form.
 */
class OpsetAdaptersOrtTest {
    private static final DType F = DType.FLOAT;

    @Test
    void slice1AttributesBecomeInputs() {
        Node n = check(model(9, single(node("Slice", List.of("x"), List.of("y"), ints("starts", 0, 1), ints("ends", 2, 3), ints("axes", 0, 2)),
                value("x", F, 3, 4, 5), anyShape("y", F))), Map.of("x", random(3, 4, 5)));
        assertEquals(4, n.inputs().size());
        assertTrue(n.attributes().isEmpty());
    }

    @Test
    void pad2PadsAndValueBecomeInputs() {
        Node n = check(model(10, single(node("Pad", List.of("x"), List.of("y"), ints("pads", 0, 1, 2, 0), f("value", 1.5f)),
                value("x", F, 3, 4), anyShape("y", F))), Map.of("x", random(3, 4)));
        assertEquals(3, n.inputs().size());
        assertFalse(n.hasAttribute("pads"));
    }

    @Test
    void split11SplitAttributeBecomesInput() {
        GraphProto g = graph("split").addNode(node("Split", List.of("x"), List.of("a", "b"), i("axis", 1), ints("split", 1, 3)))
                .addInput(value("x", F, 2, 4)).addOutput(anyShape("a", F)).addOutput(anyShape("b", F)).build();
        Node n = check(model(11, g), Map.of("x", random(2, 4)));
        assertTrue(n.hasInput(1));
    }

    @Test
    void split11WithoutSizesGetsNumOutputs() {
        GraphProto g = graph("split").addNode(node("Split", List.of("x"), List.of("a", "b", "c"), i("axis", 0)))
                .addInput(value("x", F, 6, 2)).addOutput(anyShape("a", F)).addOutput(anyShape("b", F)).addOutput(anyShape("c", F)).build();
        Node n = check(model(11, g), Map.of("x", random(6, 2)));
        assertEquals(3L, n.getInt("num_outputs", 0));
    }

    @Test
    void reduceAxesBecomeInputs() {
        Node mean = check(model(13, single(node("ReduceMean", List.of("x"), List.of("y"), ints("axes", 1), i("keepdims", 0)),
                value("x", F, 2, 3, 4), anyShape("y", F))), Map.of("x", random(2, 3, 4)));
        assertTrue(mean.hasInput(1));
        Node sum = check(model(11, single(node("ReduceSum", List.of("x"), List.of("y"), ints("axes", 0, 2)),
                value("x", F, 2, 3, 4), anyShape("y", F))), Map.of("x", random(2, 3, 4)));
        assertTrue(sum.hasInput(1));
    }

    @Test
    void squeezeAndUnsqueezeAxesBecomeInputs() {
        GraphProto g = graph("sq").addNode(node("Unsqueeze", List.of("x"), List.of("u"), ints("axes", 0, 3)))
                .addNode(node("Squeeze", List.of("u"), List.of("y"), ints("axes", 0)))
                .addInput(value("x", F, 2, 3)).addOutput(anyShape("y", F)).build();
        check(model(11, g), Map.of("x", random(2, 3)));
    }

    @Test
    void clip6MinMaxBecomeTypedInputs() {
        Node n = check(model(10, single(node("Clip", List.of("x"), List.of("y"), f("min", -0.25f), f("max", 0.5f)),
                value("x", F, 10), anyShape("y", F))), Map.of("x", random(10)));
        assertEquals(3, n.inputs().size());
    }

    @Test
    void topK1KBecomesInput() {
        GraphProto g = graph("topk").addNode(node("TopK", List.of("x"), List.of("v", "i"), i("k", 2)))
                .addInput(value("x", F, 3, 5)).addOutput(anyShape("v", F)).addOutput(anyShape("i", DType.INT64)).build();
        Node n = check(model(9, g), Map.of("x", random(3, 5)));
        assertTrue(n.hasInput(1));
    }

    @Test
    void reshape1ShapeBecomesInput() {
        Node n = check(model(4, single(node("Reshape", List.of("x"), List.of("y"), ints("shape", 4, -1)),
                value("x", F, 2, 3, 2), anyShape("y", F))), Map.of("x", random(2, 3, 2)));
        assertTrue(n.hasInput(1));
    }

    @Test
    void upsample7BecomesResize() {
        for (String mode : List.of("nearest", "linear")) {
            Node n = check(model(8, single(node("Upsample", List.of("x"), List.of("y"), floats("scales", 1, 1, 2, 3), s("mode", mode)),
                    value("x", F, 1, 1, 3, 2), anyShape("y", F))), Map.of("x", random(1, 1, 3, 2)));
            assertEquals("Resize", n.opType());
        }
    }

    @Test
    void resize10UpAndDownsamplingKeepNearestRounding() {
        for (float[] scales : List.of(new float[] {1, 1, 1.7f, 2.5f}, new float[] {1, 1, 0.6f, 0.45f})) {
            GraphProto g = graph("resize").addNode(node("Resize", List.of("x", "scales"), List.of("y"), s("mode", "nearest")))
                    .addInitializer(dev.kiln.converters.onnx.TensorProtos.toProto(Tensor.of(scales, 4), "scales"))
                    .addInput(value("x", F, 1, 1, 7, 9)).addOutput(anyShape("y", F)).build();
            Node n = check(model(10, g), Map.of("x", random(1, 1, 7, 9)));
            assertEquals("asymmetric", n.getString("coordinate_transformation_mode", ""));
        }
    }

    @Test
    void dropout10RatioBecomesInput() {
        Node n = check(model(10, single(node("Dropout", List.of("x"), List.of("y"), f("ratio", 0.3f)),
                value("x", F, 4, 4), anyShape("y", F))), Map.of("x", random(4, 4)));
        assertTrue(n.hasInput(1));
    }

    @Test
    void batchNormalization7LosesSpatial() {
        GraphProto g = graph("bn").addNode(node("BatchNormalization", List.of("x", "s", "b", "m", "v"), List.of("y"), i("spatial", 1), f("epsilon", 1e-3f)))
                .addInput(value("x", F, 2, 3, 4)).addInput(value("s", F, 3)).addInput(value("b", F, 3)).addInput(value("m", F, 3))
                .addInput(value("v", F, 3)).addOutput(anyShape("y", F)).build();
        Tensor var = Tensor.of(new float[] {0.5f, 1f, 2f}, 3);
        Node n = check(model(7, g), Map.of("x", random(2, 3, 4), "s", random(3), "b", random(3), "m", random(3), "v", var));
        assertFalse(n.hasAttribute("spatial"));
    }

    @Test
    void softmax11CoercesToTwoDimensions() {
        for (String op : List.of("Softmax", "LogSoftmax", "Hardmax")) {
            ModelProto m = model(11, single(node(op, List.of("x"), List.of("y"), i("axis", 1)), value("x", F, 2, 3, 4), anyShape("y", F)));
            check(m, Map.of("x", random(2, 3, 4)));
            Model imported = new OnnxModelReader().read(m.toByteArray(), ModelLoadOptions.defaults());
            assertEquals(List.of("Shape", "Flatten", op, "Reshape"), imported.graph().nodes().stream().map(Node::opType).toList());
        }
    }

    @Test
    void softmax11OnLastAxisStaysOneNode() {
        Node n = check(model(11, single(node("Softmax", List.of("x"), List.of("y"), i("axis", 1)), value("x", F, 2, 5), anyShape("y", F))),
                Map.of("x", random(2, 5)));
        assertEquals(1L, n.getInt("axis", -1));
    }

    @Test
    void scan8WithBatchOfTwoBecomesNestedScan() {
        GraphProto body = graph("body").addNode(node("Add", List.of("s", "x"), List.of("s2")))
                .addNode(node("Mul", List.of("s2", "x"), List.of("o")))
                .addInput(value("s", F, 2)).addInput(value("x", F, 2)).addOutput(value("s2", F, 2)).addOutput(value("o", F, 2)).build();
        GraphProto g = graph("scan").addNode(node("Scan", List.of("", "init", "xs"), List.of("final", "outs"), i("num_scan_inputs", 1),
                        dev.kiln.converters.onnx.ProtoModels.g("body", body), ints("directions", 1)))
                .addInput(value("init", F, 2, 2)).addInput(value("xs", F, 2, 3, 2))
                .addOutput(anyShape("final", F)).addOutput(anyShape("outs", F)).build();
        // the nested Scans are not folded back into a batched opset-8 Scan, so the writer moves to opset 9
        Node n = check(model(8, g), Map.of("init", random(2, 2), "xs", random(2, 3, 2)), false);
        assertEquals(2L, n.getInt("num_scan_inputs", 0));
    }

    @Test
    void scatter10BecomesScatterElements() {
        GraphProto g = graph("scatter").addNode(node("Scatter", List.of("d", "i", "u"), List.of("y"), i("axis", 1)))
                .addInitializer(dev.kiln.converters.onnx.TensorProtos.toProto(Tensor.of(new long[] {1, 3, 0, 2}, 2, 2), "i"))
                .addInput(value("d", F, 2, 4)).addInput(value("u", F, 2, 2)).addOutput(anyShape("y", F)).build();
        Node n = check(model(10, g), Map.of("d", random(2, 4), "u", random(2, 2)));
        assertEquals("ScatterElements", n.opType());
    }

    @Test
    void groupNormalization18PerGroupScaleBecomesPerChannel() {
        GraphProto g = graph("gn").addNode(node("GroupNormalization", List.of("x", "s", "b"), List.of("y"), i("num_groups", 2), f("epsilon", 1e-5f)))
                .addInput(value("x", F, 2, 6, 3)).addInput(value("s", F, 2)).addInput(value("b", F, 2)).addOutput(anyShape("y", F)).build();
        // computed per-channel values cannot be folded back into per-group ones, so the writer moves to opset 21
        Node n = check(model(18, g), Map.of("x", random(2, 6, 3), "s", random(2), "b", random(2)), false);
        assertEquals("GroupNormalization", n.opType());
        assertTrue(n.input(1).contains("scale") && n.input(2).contains("bias"), "scale and bias are the spread per-channel values: " + n);
    }

    @Test
    void gridSample16ModesAreRenamed() {
        for (String mode : List.of("bilinear", "nearest", "bicubic")) {
            GraphProto g = graph("gs").addNode(node("GridSample", List.of("x", "grid"), List.of("y"), s("mode", mode), i("align_corners", 1)))
                    .addInput(value("x", F, 1, 2, 4, 5)).addInput(value("grid", F, 1, 3, 2, 2)).addOutput(anyShape("y", F)).build();
            Node n = check(model(16, g), Map.of("x", random(1, 2, 4, 5), "grid", random(1, 3, 2, 2)));
            assertEquals(Map.of("bilinear", "linear", "nearest", "nearest", "bicubic", "cubic").get(mode), n.getString("mode", ""));
        }
    }

    @Test
    void roiAlign10KeepsItsOutputHalfPixelCoordinates() {
        GraphProto g = graph("roi").addNode(node("RoiAlign", List.of("x", "rois", "idx"), List.of("y"), i("output_height", 2), i("output_width", 2),
                        i("sampling_ratio", 2), f("spatial_scale", 1f)))
                .addInitializer(dev.kiln.converters.onnx.TensorProtos.toProto(Tensor.of(new float[] {0.5f, 0.7f, 3.2f, 4.1f, 1f, 0f, 4f, 3f}, 2, 4), "rois"))
                .addInitializer(dev.kiln.converters.onnx.TensorProtos.toProto(Tensor.of(new long[] {0, 0}, 2), "idx"))
                .addInput(value("x", F, 1, 1, 6, 6)).addOutput(anyShape("y", F)).build();
        Node n = check(model(10, g), Map.of("x", random(1, 1, 6, 6)));
        assertEquals("output_half_pixel", n.getString("coordinate_transformation_mode", ""));
    }

    @Test
    void dft17AxisAttributeBecomesAnInputWithTheOldDefault() {
        GraphProto g = graph("dft").addNode(node("DFT", List.of("x"), List.of("y")))
                .addInput(value("x", F, 2, 8, 1)).addOutput(anyShape("y", F)).build();
        Node n = check(model(17, g), Map.of("x", random(2, 8, 1)));
        assertTrue(n.hasInput(2), "the axis is input 2: " + n);
    }

    /**
     * Runs the old model in ORT, then Kiln's export of it at its own opset (the inverse adapters give the
     * old form back) and at the opset of the canonical forms (so ORT checks that the canonical form means
     * what the old one did); asserts equal outputs and a verified graph; returns the last imported node.
     */
    private static Node check(ModelProto old, Map<String, Tensor> feeds) {
        return check(old, feeds, true);
    }

    private static Node check(ModelProto old, Map<String, Tensor> feeds, boolean writtenAtOwnOpset) {
        Map<String, Tensor> expected = OrtReference.run(old.toByteArray(), feeds);
        Model imported = new OnnxModelReader().read(old.toByteArray(), ModelLoadOptions.defaults());
        GraphVerifier.verify(imported.graph());
        int own = (int) old.getOpsetImport(0).getVersion();
        assertEquals(own, imported.opsetVersion(""), "the original opset stays recorded");
        ModelProto back = new OnnxModelWriter().toProto(imported, 0);
        if (writtenAtOwnOpset) {
            assertEquals(own, back.getOpsetImport(0).getVersion(), "written back at its own opset");
        }
        assertSame(expected, OrtReference.run(back.toByteArray(), feeds));
        int canonical = Math.max(own, imported.graph().nodes().stream().mapToInt(OpsetAdapters::minimumOpset).max().orElse(1));
        assertSame(expected, OrtReference.run(new OnnxModelWriter().toProto(imported, canonical).toByteArray(), feeds));
        List<Node> nodes = imported.graph().nodes();
        return nodes.get(nodes.size() - 1);
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            TensorAssert.assertClose(expected.get(k), actual.get(k), 1e-5, 1e-6);
        }
    }

    private static GraphProto single(dev.kiln.converters.proto.OnnxProto.NodeProto n,
            dev.kiln.converters.proto.OnnxProto.ValueInfoProto in, dev.kiln.converters.proto.OnnxProto.ValueInfoProto out) {
        return graph(n.getOpType().toLowerCase()).addNode(n).addInput(in).addOutput(out).build();
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
