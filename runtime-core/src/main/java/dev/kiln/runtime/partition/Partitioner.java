package dev.kiln.runtime.partition;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.OpsetLookup;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which backends may run each node: those whose {@link Backend#capability} claims it, in the
 * session's preference order (the CPU last). The first candidate that compiles the node gets it; the
 * runtime moves on to the next only when compiling throws {@link dev.kiln.api.UnsupportedOpException}.
 * If, Loop and Scan belong to the runtime and get no candidates. Stateless.
 */
public final class Partitioner {
    private static final Logger LOG = LoggerFactory.getLogger(Partitioner.class);
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan", "SequenceMap");

    private Partitioner() {
    }

    /** True for the ops the runtime runs itself, with their subgraphs. */
    public static boolean isControlFlow(Node node) {
        return node.domain().equals(Model.ONNX_DOMAIN) && CONTROL_FLOW.contains(node.opType());
    }

    /**
     * For each node of {@code graph}, the backends that claim it, in the order of {@code backends}. Control
     * flow nodes get an empty list. A backend whose capability query throws claims nothing (logged).
     */
    public static List<List<Backend>> candidates(Graph graph, List<Backend> backends, OpsetLookup opsets) {
        List<BitSet> claims = new ArrayList<>(backends.size());
        for (Backend b : backends) {
            BitSet c;
            try {
                c = b.capability(graph, opsets);
            } catch (RuntimeException e) {
                LOG.warn("backend '{}' failed to report which nodes of graph '{}' it can run; it gets none: {}", b.id(), graph.name(), e.toString());
                c = new BitSet();
            }
            claims.add(c);
        }
        List<List<Backend>> out = new ArrayList<>(graph.nodes().size());
        for (int i = 0; i < graph.nodes().size(); i++) {
            List<Backend> list = new ArrayList<>(2);
            if (!isControlFlow(graph.nodes().get(i))) {
                for (int b = 0; b < backends.size(); b++) {
                    if (claims.get(b).get(i)) {
                        list.add(backends.get(b));
                    }
                }
            }
            out.add(List.copyOf(list));
        }
        return out;
    }

    /** Groups consecutive nodes with the same backend id; {@code backendIds} has one entry per node. */
    public static List<Partition> partitions(List<Node> nodes, List<String> backendIds) {
        if (nodes.size() != backendIds.size()) {
            throw new IllegalArgumentException(nodes.size() + " nodes but " + backendIds.size() + " backend ids");
        }
        List<Partition> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= nodes.size(); i++) {
            if (i == nodes.size() || !backendIds.get(i).equals(backendIds.get(start))) {
                if (i > start) {
                    out.add(new Partition(backendIds.get(start), nodes.subList(start, i)));
                }
                start = i;
            }
        }
        return out;
    }
}
