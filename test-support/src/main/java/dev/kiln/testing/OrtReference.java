package dev.kiln.testing;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs models in ONNX Runtime, the reference Kiln's outputs are compared with in tests. Models go to
 * ORT as ONNX bytes written by Kiln's own exporter (found through {@link ModelFormats}, so kiln-converters
 * must be on the test class path). Thread-safe; sessions are created per call.
 */
public final class OrtReference {
    // Errors only: ORT warns on every unused initializer of the node-suite models, which buries test output.
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);

    private OrtReference() {
    }

    /** Runs serialized ONNX bytes in ORT with one intra-op thread; returns outputs by name in graph order. */
    public static Map<String, Tensor> run(byte[] modelBytes, Map<String, Tensor> inputs) {
        try (OrtRunner runner = new OrtRunner(modelBytes, 1)) {
            return runner.run(inputs);
        }
    }

    static OrtEnvironment environment() {
        return ENV;
    }

    /** Exports a model with Kiln's ONNX writer and runs it in ORT. */
    public static Map<String, Tensor> run(Model model, Map<String, Tensor> inputs) {
        return run(ModelFormats.writer("onnx").toBytes(model), inputs);
    }

    /**
     * Runs one node in ORT: the graph's inputs are the node's non-empty inputs (typed from the given
     * tensors, null for absent ones) and its outputs the node's outputs with the given element types.
     */
    public static List<Tensor> runNode(Node node, int opset, List<Tensor> inputs, List<DType> outputTypes) {
        Graph.Builder g = Graph.builder("single_" + node.opType());
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            String name = node.input(i);
            if (t == null || name.isEmpty() || feeds.containsKey(name)) {
                continue;
            }
            g.input(name, new ValueType.TensorType(t.dtype(), t.shape()));
            feeds.put(name, t);
        }
        g.node(node);
        for (int i = 0; i < node.outputs().size(); i++) {
            if (!node.output(i).isEmpty()) {
                g.output(node.output(i), new ValueType.TensorType(outputTypes.get(i), null));
            }
        }
        Model.Builder m = Model.builder(g.build()).opset("", opset).irVersion(9);
        if (!node.domain().isEmpty()) {
            m.opset(node.domain(), node.domain().equals(Model.ML_DOMAIN) ? 5 : 1);
        }
        Map<String, Tensor> out = run(m.build(), feeds);
        List<Tensor> result = new ArrayList<>();
        for (String o : node.outputs()) {
            result.add(o.isEmpty() ? null : out.get(o));
        }
        return result;
    }

    /** A host tensor as an ORT tensor; the caller closes it. */
    public static OnnxTensor toOrt(Tensor t) throws OrtException {
        long[] shape = t.dims();
        if (t.dtype() == DType.STRING) {
            return OnnxTensor.createTensor(ENV, t.stringData(), shape);
        }
        OnnxJavaType jt = switch (t.dtype()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            default -> throw new IllegalArgumentException("ORT's Java API cannot take " + t.dtype() + " tensors");
        };
        return OnnxTensor.createTensor(ENV, toBytes(t), shape, jt);
    }

    /** An ORT tensor copied to a Kiln host tensor. */
    public static Tensor fromOrt(OnnxTensor t) throws OrtException {
        long[] shape = t.getInfo().getShape();
        DType dtype = switch (t.getInfo().onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.FLOAT;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DType.DOUBLE;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DType.UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DType.UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DType.UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DType.FLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DType.BFLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DType.STRING;
            default -> throw new IllegalArgumentException("unsupported ORT output type " + t.getInfo().onnxType);
        };
        if (dtype == DType.STRING) {
            List<String> flat = new ArrayList<>();
            flatten(t.getValue(), flat);
            return Tensor.of(flat.toArray(new String[0]), shape);
        }
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.nativeOrder());
        return Tensor.fromBytes(dtype, Shape.of(shape), b);
    }

    private static void flatten(Object o, List<String> out) {
        if (o instanceof String s) {
            out.add(s);
        } else if (o != null && o.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(o); i++) {
                flatten(Array.get(o, i), out);
            }
        }
    }

    private static ByteBuffer toBytes(Tensor t) {
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, n * t.dtype().byteSize())).order(ByteOrder.nativeOrder());
        b.limit(n * t.dtype().byteSize());
        switch (t.dtype().storage()) {
            case FLOAT -> b.asFloatBuffer().put(t.floatData());
            case DOUBLE -> b.asDoubleBuffer().put(t.doubleData());
            case LONG -> b.asLongBuffer().put(t.longData());
            case INT -> b.asIntBuffer().put(t.intData());
            case SHORT -> b.asShortBuffer().put(t.shortData());
            case BYTE -> b.put(t.byteData());
            case BOOLEAN -> {
                for (boolean v : t.booleanData()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            default -> throw new IllegalArgumentException(t.dtype() + " has no byte form");
        }
        b.rewind();
        return b;
    }
}
