package dev.kiln.converters.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.NodeSuite;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models Kiln exported load and run in ONNX Runtime with the outputs of the original model and the
 * suite's expected outputs: plain ops, control flow, and old-opset forms the adapters rewrote
 * (Upsample, Scan-8, Scatter, Split-13, Dropout-11, Reduce* axes attributes, Softmax).
 */
class OrtExportTest {
    private final OnnxModelWriter writer = new OnnxModelWriter();

    @ParameterizedTest
    @ValueSource(strings = {"test_abs", "test_and2d", "test_conv_with_strides_padding", "test_gemm_default_matrix_bias",
            "test_slice_neg_steps", "test_maxpool_2d_pads", "test_lstm_defaults", "test_gather_2d_indices", "test_if", "test_loop11",
            "test_scan9_sum", "test_resize_upsample_scales_linear", "test_reduce_mean_keepdims_example",
            "test_upsample_nearest", "test_scan_sum", "test_scatter_with_axis", "test_split_equal_parts_2d_opset13",
            "test_dropout_default_old", "test_dynamicquantizelinear_expanded", "test_layer_normalization_3d_axis1_epsilon_expanded",
            "test_softmax_axis_0_expanded", "test_mvn_expanded"})
    void exportedModelRunsInOrtLikeTheOriginal(String name) throws IOException {
        OnnxTestCase tc = OnnxTestCaseReader.read(NodeSuite.testCase(name));
        Model model = tc.model();
        OnnxTestCase.DataSet data = tc.dataSets().get(0);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        List<Value> inputs = model.graph().requiredInputs();
        for (int k = 0; k < data.inputs().size(); k++) {
            feeds.put(inputs.get(k).name(), (Tensor) data.inputs().get(k));
        }
        Map<String, Tensor> original = OrtReference.run(Files.readAllBytes(tc.directory().resolve("model.onnx")), feeds);
        Map<String, Tensor> exported = OrtReference.run(writer.toBytes(model), feeds);
        List<Value> outputs = model.graph().outputs();
        assertEquals(original.keySet(), exported.keySet());
        for (int k = 0; k < outputs.size(); k++) {
            String out = outputs.get(k).name();
            TensorAssert.assertClose(original.get(out), exported.get(out), 1e-5, 1e-6);
            RuntimeValue expected = data.outputs().get(k);
            TensorAssert.assertClose((Tensor) expected, exported.get(out), 1e-3, 1e-5);
        }
    }
}
