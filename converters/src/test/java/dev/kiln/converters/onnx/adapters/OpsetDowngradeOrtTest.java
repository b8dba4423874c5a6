package dev.kiln.converters.onnx.adapters;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.f;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.i;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static dev.kiln.converters.onnx.ProtoModels.s;
import static dev.kiln.converters.onnx.ProtoModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelReader;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.onnx.OpsetExportException;
import dev.kiln.converters.onnx.TensorProtos;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Canonical (new-opset) models written at older opsets by the inverse adapters: the old form must run
 * in ONNX Runtime exactly like the original, and what the old form cannot say must be refused with an
 * {@link OpsetExportException} naming the node, op and opset.
 */
class OpsetDowngradeOrtTest {
    private static final DType F = DType.FLOAT;

    @Test
    void slice13WithConstantBoundsIsWrittenWithAttributesAtOpset9() {
        ModelProto m = model(13, graph("slice").addNode(node("Slice", List.of("x", "starts", "ends", "axes"), List.of("y")))
                .addInitializer(ints("starts", 1, -3)).addInitializer(ints("ends", 3, 100)).addInitializer(ints("axes", 0, -1))
                .addInput(value("x", F, 4, 5)).addOutput(anyShape("y", F)).build());
        NodeProto n = same(m, 9, Map.of("x", random(4, 5)));
        assertEquals(1, n.getInputCount());
        assertEquals(List.of("axes", "ends", "starts"), n.getAttributeList().stream().map(a -> a.getName()).sorted().toList());
        assertEquals(List.of(0L, 1L), n.getAttributeList().stream().filter(a -> a.getName().equals("axes")).findFirst().orElseThrow().getIntsList(),
                "a negative axis is made positive before opset 11");
        same(m, 10, Map.of("x", random(4, 5)));
    }

    @Test
    void sliceStepsAndComputedBoundsAreRefused() {
        ModelProto steps = model(13, graph("slice").addNode(node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("y")))
                .addInitializer(ints("starts", 0)).addInitializer(ints("ends", 4)).addInitializer(ints("axes", 0)).addInitializer(ints("steps", 2))
                .addInput(value("x", F, 4)).addOutput(anyShape("y", F)).build());
        OpsetExportException e = refused(steps, 9);
        assertTrue(e.getMessage().contains("a step of 2"), e.getMessage());
        ModelProto computed = model(13, graph("slice").addNode(node("Slice", List.of("x", "s", "e"), List.of("y")))
                .addInput(value("x", F, 4)).addInput(value("s", DType.INT64, 1)).addInput(value("e", DType.INT64, 1)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(computed, 9).getMessage().contains("must be a constant"));
    }

    @Test
    void pad18WithAxesIsSpreadOverAllAxesAtOpsets11And10() {
        ModelProto m = model(18, graph("pad").addNode(node("Pad", List.of("x", "pads", "v", "axes"), List.of("y"), s("mode", "constant")))
                .addInitializer(ints("pads", 1, 2, 0, 3)).addInitializer(TensorProtos.toProto(Tensor.scalar(2.5f), "v"))
                .addInitializer(ints("axes", 0, 2)).addInput(value("x", F, 2, 3, 4)).addOutput(anyShape("y", F)).build());
        Map<String, Tensor> feeds = Map.of("x", random(2, 3, 4));
        assertEquals(3, same(m, 11, feeds).getInputCount());
        NodeProto old = same(m, 10, feeds);
        assertEquals(List.of(1L, 0L, 2L, 0L, 0L, 3L), old.getAttributeList().stream().filter(a -> a.getName().equals("pads")).findFirst()
                .orElseThrow().getIntsList());
    }

    @Test
    void resizeAsymmetricNearestBecomesResize10AndUpsample() {
        ModelProto m = model(19, graph("resize").addNode(node("Resize", List.of("x", "", "scales"), List.of("y"), s("mode", "nearest"),
                        s("coordinate_transformation_mode", "asymmetric"), s("nearest_mode", "floor")))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1, 1, 2, 3}, 4), "scales"))
                .addInput(value("x", F, 1, 1, 2, 3)).addOutput(anyShape("y", F)).build());
        Map<String, Tensor> feeds = Map.of("x", random(1, 1, 2, 3));
        assertEquals(3, same(m, 11, feeds).getInputCount(), "opset 11 needs an explicit (empty) roi");
        assertEquals("Resize", same(m, 10, feeds).getOpType());
        assertEquals("Upsample", same(m, 9, feeds).getOpType());
        assertEquals("Upsample", same(m, 7, feeds).getOpType());
        ModelProto halfPixel = model(19, graph("resize").addNode(node("Resize", List.of("x", "", "scales"), List.of("y"), s("mode", "linear")))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1, 1, 2, 3}, 4), "scales"))
                .addInput(value("x", F, 1, 1, 2, 3)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(halfPixel, 10).getMessage().contains("asymmetric"));
    }

    @Test
    void clipBoundsBecomeAttributesAndComputedOnesAreRefused() {
        ModelProto m = model(13, graph("clip").addNode(node("Clip", List.of("x", "lo", "hi"), List.of("y")))
                .addInitializer(TensorProtos.toProto(Tensor.scalar(-0.3f), "lo")).addInitializer(TensorProtos.toProto(Tensor.scalar(0.4f), "hi"))
                .addInput(value("x", F, 12)).addOutput(anyShape("y", F)).build());
        assertEquals(2, same(m, 10, Map.of("x", random(12))).getAttributeCount());
        ModelProto computed = model(13, graph("clip").addNode(node("Clip", List.of("x", "lo"), List.of("y")))
                .addInput(value("x", F, 12)).addInput(value("lo", F)).addOutput(anyShape("y", F)).build());
        OpsetExportException e = refused(computed, 10);
        assertEquals("Clip", e.opType());
        assertEquals(10, e.opsetVersion());
    }

    @Test
    void splitNumOutputsBecomesExplicitSizesWhenUneven() {
        GraphProto g = graph("split").addNode(node("Split", List.of("x"), List.of("a", "b", "c"), i("axis", 1), i("num_outputs", 3)))
                .addInput(value("x", F, 2, 7)).addOutput(anyShape("a", F)).addOutput(anyShape("b", F)).addOutput(anyShape("c", F)).build();
        Map<String, Tensor> feeds = Map.of("x", random(2, 7));
        assertEquals(2, same(model(18, g), 13, feeds).getInputCount());
        NodeProto old = same(model(18, g), 11, feeds);
        assertEquals(List.of(3L, 3L, 1L), old.getAttributeList().stream().filter(a -> a.getName().equals("split")).findFirst().orElseThrow().getIntsList());
    }

    @Test
    void reduceAxesBecomeAttributesButNoopWithoutAxesIsRefused() {
        ModelProto m = model(18, graph("mean").addNode(node("ReduceMean", List.of("x", "axes"), List.of("y"), i("keepdims", 0)))
                .addInitializer(ints("axes", -1)).addInput(value("x", F, 2, 3, 4)).addOutput(anyShape("y", F)).build());
        same(m, 13, Map.of("x", random(2, 3, 4)));
        same(m, 9, Map.of("x", random(2, 3, 4)));
        ModelProto noop = model(18, graph("sum").addNode(node("ReduceSum", List.of("x"), List.of("y"), i("noop_with_empty_axes", 1)))
                .addInput(value("x", F, 2, 3)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(noop, 12).getMessage().contains("noop_with_empty_axes"));
    }

    @Test
    void topKWithConstantKAndDefaultsGoesBackToTheAttributeForm() {
        GraphProto g = graph("topk").addNode(node("TopK", List.of("x", "k"), List.of("v", "i"), i("axis", 1)))
                .addInitializer(ints("k", 2)).addInput(value("x", F, 3, 5)).addOutput(anyShape("v", F)).addOutput(anyShape("i", DType.INT64)).build();
        assertEquals(1, same(model(11, g), 9, Map.of("x", random(3, 5))).getInputCount());
        GraphProto smallest = graph("topk").addNode(node("TopK", List.of("x", "k"), List.of("v", "i"), i("largest", 0)))
                .addInitializer(ints("k", 2)).addInput(value("x", F, 3, 5)).addOutput(anyShape("v", F)).addOutput(anyShape("i", DType.INT64)).build();
        assertTrue(refused(model(11, smallest), 10).getMessage().contains("largest"));
    }

    @Test
    void dropoutRatioBecomesAnAttributeWithoutTheMask() {
        ModelProto m = model(13, graph("drop").addNode(node("Dropout", List.of("x", "r"), List.of("y")))
                .addInitializer(TensorProtos.toProto(Tensor.scalar(0.3f), "r")).addInput(value("x", F, 4, 4)).addOutput(anyShape("y", F)).build());
        same(m, 10, Map.of("x", random(4, 4)));
        ModelProto mask = model(13, graph("drop").addNode(node("Dropout", List.of("x"), List.of("y", "z")))
                .addInput(value("x", F, 4)).addOutput(anyShape("y", F)).addOutput(anyShape("z", DType.BOOL)).build());
        assertTrue(refused(mask, 11).getMessage().contains("mask"));
    }

    @Test
    void softmaxOnAnInnerAxisIsTransposedToTheLastBefore13() {
        for (String op : List.of("Softmax", "LogSoftmax", "Hardmax")) {
            ModelProto m = model(13, graph("sm").addNode(node(op, List.of("x"), List.of("y"), i("axis", 1)))
                    .addInput(value("x", F, 2, 3, 4)).addOutput(anyShape("y", F)).build());
            same(m, 11, Map.of("x", random(2, 3, 4)));
            ModelProto written = new OnnxModelWriter().toProto(read(m), 11);
            assertEquals(List.of("Transpose", op, "Transpose"), written.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        }
    }

    @Test
    void groupNormalizationWithPerGroupConstantValuesIsWrittenAtOpset18() {
        ModelProto m = model(21, graph("gn").addNode(node("GroupNormalization", List.of("x", "s", "b"), List.of("y"), i("num_groups", 2)))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {0.5f, 0.5f, 0.5f, 2f, 2f, 2f}, 6), "s"))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1f, 1f, 1f, -1f, -1f, -1f}, 6), "b"))
                .addInput(value("x", F, 2, 6, 3)).addOutput(anyShape("y", F)).build());
        same(m, 18, Map.of("x", random(2, 6, 3)));
        ModelProto perChannel = model(21, graph("gn").addNode(node("GroupNormalization", List.of("x", "s", "b"), List.of("y"), i("num_groups", 2)))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {1, 2, 3, 4}, 4), "s"))
                .addInitializer(TensorProtos.toProto(Tensor.of(new float[] {0, 0, 0, 0}, 4), "b"))
                .addInput(value("x", F, 1, 4, 2)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(perChannel, 18).getMessage().contains("per group"));
    }

    @Test
    void opsTypesAndAttributesTheOldVersionLacksAreRefused() {
        ModelProto int8 = model(14, graph("add").addNode(node("Add", List.of("a", "b"), List.of("y")))
                .addInput(value("a", DType.INT8, 3)).addInput(value("b", DType.INT8, 3)).addOutput(anyShape("y", DType.INT8)).build());
        assertTrue(refused(int8, 13).getMessage().contains("element type int8"));
        ModelProto celu = model(12, graph("celu").addNode(node("Celu", List.of("x"), List.of("y"), f("alpha", 2f)))
                .addInput(value("x", F, 3)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(celu, 11).getMessage().contains("introduced in ai.onnx opset 12"));
        ModelProto pool = model(19, graph("pool").addNode(node("AveragePool", List.of("x"), List.of("y"), ProtoIntList.of("kernel_shape", 2, 2),
                        i("ceil_mode", 1))).addInput(value("x", F, 1, 1, 5, 5)).addOutput(anyShape("y", F)).build());
        assertTrue(refused(pool, 9).getMessage().contains("'ceil_mode'"));
        same(model(19, graph("pool").addNode(node("AveragePool", List.of("x"), List.of("y"), ProtoIntList.of("kernel_shape", 2, 2), i("ceil_mode", 0)))
                .addInput(value("x", F, 1, 1, 5, 5)).addOutput(anyShape("y", F)).build()), 9, Map.of("x", random(1, 1, 5, 5)));
    }

    /** ORT runs the model and its export at {@code target} alike; returns the exported model's last node. */
    private static NodeProto same(ModelProto m, int target, Map<String, Tensor> feeds) {
        Map<String, Tensor> expected = OrtReference.run(m.toByteArray(), feeds);
        ModelProto written = new OnnxModelWriter().toProto(read(m), target);
        assertEquals(target, written.getOpsetImport(0).getVersion());
        Map<String, Tensor> actual = OrtReference.run(written.toByteArray(), feeds);
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            TensorAssert.assertClose(expected.get(k), actual.get(k), 1e-5, 1e-6);
        }
        return written.getGraph().getNode(written.getGraph().getNodeCount() - 1);
    }

    private static OpsetExportException refused(ModelProto m, int target) {
        return assertThrows(OpsetExportException.class, () -> new OnnxModelWriter().toProto(read(m), target));
    }

    private static Model read(ModelProto m) {
        return new OnnxModelReader().read(m.toByteArray(), ModelLoadOptions.defaults());
    }

    private static dev.kiln.converters.proto.OnnxProto.TensorProto ints(String name, long... v) {
        return TensorProtos.toProto(Tensor.of(v, v.length), name);
    }

    private static Tensor random(long... dims) {
        Random r = new Random(java.util.Arrays.hashCode(dims) + 7);
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    /** The ints attribute builder under another name, as ints(...) here builds tensors. */
    private static final class ProtoIntList {
        static dev.kiln.converters.proto.OnnxProto.AttributeProto of(String name, long... v) {
            return dev.kiln.converters.onnx.ProtoModels.ints(name, v);
        }
    }
}
