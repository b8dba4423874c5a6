package dev.kiln.samples.bench;

import dev.kiln.api.tensor.Tensor;
import java.util.Map;

/**
 * A model and one set of inputs to time. The model is kept as ONNX bytes so Kiln and ONNX Runtime
 * load exactly the same file.
 *
 * @param name what the benchmark table calls it
 * @param modelBytes the serialized ONNX model (not copied; do not modify)
 * @param feeds the inputs by graph input name
 */
public record Workload(String name, byte[] modelBytes, Map<String, Tensor> feeds) {
}
