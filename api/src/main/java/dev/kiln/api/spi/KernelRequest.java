package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Everything a backend gets to compile one node. New fields arrive as new record components with
 * factory methods, so existing backends keep compiling.
 *
 * @param node          the node to compile
 * @param opsetVersion  the opset version imported for the node's domain
 * @param inputTypes    static input types (entries null when unknown); same length as the node's inputs
 * @param outputTypes   static output types (entries null when unknown)
 * @param constantInputs inputs whose values are known at compile time (initializers), by input index;
 *                       a kernel may prepack them but must still accept the same values at run time
 */
@Stable
public record KernelRequest(Node node, int opsetVersion, List<ValueType> inputTypes, List<ValueType> outputTypes,
                            Map<Integer, Tensor> constantInputs) {
    public KernelRequest {
        inputTypes = inputTypes == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputTypes));
        outputTypes = outputTypes == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(outputTypes));
        constantInputs = constantInputs == null ? Map.of() : Map.copyOf(constantInputs);
    }

    /** A request with only the node and opset known. */
    public static KernelRequest of(Node node, int opsetVersion) {
        return new KernelRequest(node, opsetVersion, null, null, null);
    }
}
