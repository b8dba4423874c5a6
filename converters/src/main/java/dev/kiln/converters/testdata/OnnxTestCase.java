package dev.kiln.converters.testdata;

import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.RuntimeValue;
import java.nio.file.Path;
import java.util.List;

/**
 * One ONNX backend test case: a model and its data sets. Immutable.
 *
 * @param name      the case's folder name, e.g. {@code test_abs}
 * @param directory the case's folder
 * @param model     the imported model
 * @param dataSets  the data sets in numeric order ({@code test_data_set_0} first)
 */
public record OnnxTestCase(String name, Path directory, Model model, List<DataSet> dataSets) {
    public OnnxTestCase {
        dataSets = List.copyOf(dataSets);
    }

    /**
     * Inputs and expected outputs of one run.
     *
     * @param name    the data set's folder name
     * @param inputs  input K feeds the K-th graph input that has no initializer
     * @param outputs output K is what the K-th graph output must be
     */
    public record DataSet(String name, List<RuntimeValue> inputs, List<RuntimeValue> outputs) {
        public DataSet {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    @Override
    public String toString() {
        return name + " (" + dataSets.size() + " data sets)";
    }
}
