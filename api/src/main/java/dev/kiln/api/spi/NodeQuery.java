package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import java.util.List;

/**
 * What a backend is asked about one node.
 *
 * @param node         the node
 * @param opsetVersion the opset version imported for the node's domain
 * @param inputTypes   static input types when known (entries may be null), or null when not computed
 */
@Stable
public record NodeQuery(Node node, int opsetVersion, List<ValueType> inputTypes) {
}
