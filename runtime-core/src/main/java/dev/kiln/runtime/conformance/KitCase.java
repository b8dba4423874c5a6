package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * One generated case: a single node and its input values.
 *
 * @param name   what the case is, for reports: {@code Add float32 [2,3,4] + [4]}
 * @param node   the node, inputs named {@code x0, x1, ...}, output {@code y}
 * @param inputs the input values, in the node's input order
 */
@Experimental
public record KitCase(String name, Node node, List<Tensor> inputs) {
    public KitCase {
        inputs = List.copyOf(inputs);
    }
}
