package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.RuntimeValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One ONNX node-suite test folder, read by the caller (the reader of ONNX files lives in kiln-converters,
 * which runtime-core does not depend on).
 *
 * @param name     the folder's name ({@code test_relu})
 * @param model    its model
 * @param feeds    per data set, the inputs by name
 * @param expected per data set, the expected outputs by name
 */
@Experimental
public record SuiteCase(String name, Model model, List<Map<String, RuntimeValue>> feeds, List<Map<String, RuntimeValue>> expected) {
    public SuiteCase {
        feeds = List.copyOf(feeds);
        expected = List.copyOf(expected);
    }

    /** Reads one test folder; throws when it cannot (the kit then skips the folder). */
    @FunctionalInterface
    public interface Reader {
        SuiteCase read(Path folder);
    }
}
