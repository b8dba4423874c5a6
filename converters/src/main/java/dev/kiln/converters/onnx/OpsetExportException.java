package dev.kiln.converters.onnx;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;

/**
 * A node cannot be written at the requested ai.onnx opset: its op did not exist yet (or was removed),
 * or the form of that opset cannot express what the node says. Names the node, the op (with domain)
 * and the target opset, which {@link #opsetVersion()} returns.
 */
public final class OpsetExportException extends UnsupportedOpException {
    private static final long serialVersionUID = 1L;
    private final String node;

    OpsetExportException(Node node, int targetOpset, String reason) {
        super(node.opType(), node.domain(), targetOpset, "cannot write node " + node.describe() + " at ai.onnx opset " + targetOpset
                + ": " + reason);
        this.node = node.describe();
    }

    /** The node, as {@link Node#describe()} gives it. */
    public String node() {
        return node;
    }
}
