package dev.kiln.samples.conformance;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.runtime.conformance.SuiteCase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an ONNX node-suite folder for the backend conformance kit, with the converters' test-data reader. Stateless. */
public final class KitSuiteReader implements SuiteCase.Reader {
    @Override
    public SuiteCase read(Path folder) {
        OnnxTestCase tc = OnnxTestCaseReader.read(folder);
        Model model = tc.model();
        List<Value> outputs = model.graph().outputs();
        List<Map<String, RuntimeValue>> feeds = new ArrayList<>();
        List<Map<String, RuntimeValue>> expected = new ArrayList<>();
        for (OnnxTestCase.DataSet d : tc.dataSets()) {
            feeds.add(ConformanceRunner.feeds(model, d.inputs()));
            Map<String, RuntimeValue> out = new LinkedHashMap<>();
            for (int k = 0; k < d.outputs().size() && k < outputs.size(); k++) {
                out.put(outputs.get(k).name(), d.outputs().get(k));
            }
            expected.add(out);
        }
        return new SuiteCase(tc.name(), model, feeds, expected);
    }
}
