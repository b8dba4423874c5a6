package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.Tensor;
import java.util.Map;

/**
 * Runs a small model with no inputs on the session's backends, for {@link ConstantFolding}. The session
 * provides it; the passes never pick a backend themselves.
 */
@FunctionalInterface
public interface ConstantEvaluator {
    /**
     * Every output of {@code model} (a graph with no inputs: initializers and nodes only), by name.
     * Throws any {@link RuntimeException} the run throws; the caller then leaves the node as it was.
     */
    Map<String, Tensor> evaluate(Model model);
}
