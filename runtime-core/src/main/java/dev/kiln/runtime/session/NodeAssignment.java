package dev.kiln.runtime.session;

/**
 * The backend a session runs a node on.
 *
 * @param nodeName  the node's name; empty when the model leaves it unnamed
 * @param opType    the op, e.g. {@code MatMul}
 * @param domain    the op's domain; empty for the default ai.onnx domain
 * @param backendId the backend's id (e.g. {@code cpu}), or {@code runtime} for If, Loop and Scan, which the
 *                  session runs itself
 */
public record NodeAssignment(String nodeName, String opType, String domain, String backendId) {
}
