package dev.kiln.runtime.partition;

import dev.kiln.api.ir.Node;
import java.util.List;

/**
 * Consecutive nodes of one graph that run on one backend; values cross between partitions on different
 * devices through host copies.
 *
 * @param backendId the backend's id, or {@link Placement#RUNTIME} for control flow
 * @param nodes     the nodes in graph order, never empty
 */
public record Partition(String backendId, List<Node> nodes) {
    public Partition {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a partition holds at least one node");
        }
    }
}
