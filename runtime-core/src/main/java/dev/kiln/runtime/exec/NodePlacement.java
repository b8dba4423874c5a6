package dev.kiln.runtime.exec;

import dev.kiln.api.ir.Node;

/**
 * Which backend runs a node, as decided when the model was compiled.
 *
 * @param node      the node
 * @param backendId the backend's id, or {@link dev.kiln.runtime.partition.Placement#RUNTIME} for If, Loop and Scan
 * @param depth     0 for main-graph nodes, 1 for nodes of their subgraphs, and so on
 */
public record NodePlacement(Node node, String backendId, int depth) {
}
