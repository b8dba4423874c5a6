package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A created backend: says which nodes it can run, compiles them to kernels, owns device memory.
 *
 * <p>Threading: {@link #capability}, {@link #compile} and the copies may be called from several
 * threads. Ownership: the creator closes the backend; closing releases all memory it allocated, and
 * kernels compiled by it must not be used afterwards.
 */
@Stable
public interface Backend extends AutoCloseable {
    /** The id of the provider that created it. */
    String id();

    /**
     * Whether this backend can run a node at the given opset of the node's domain. Input types may be
     * unknown (null) when shape inference could not determine them.
     */
    boolean supports(NodeQuery query);

    /**
     * The nodes of {@code graph} (indices into {@link Graph#nodes()}) this backend can run.
     * The default asks {@link #supports} node by node, with the input types the graph records (the runtime
     * records the types it inferred before asking; an entry is null where a type is unknown). Override it to
     * claim whole partitions at once (a fusing compiler).
     */
    default BitSet capability(Graph graph, OpsetLookup opsets) {
        BitSet r = new BitSet(graph.nodes().size());
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node n = graph.nodes().get(i);
            List<ValueType> types = new ArrayList<>(n.inputs().size());
            for (String in : n.inputs()) {
                types.add(in.isEmpty() ? null : graph.typeOf(in));
            }
            if (supports(new NodeQuery(n, opsets.version(n.domain()), types))) {
                r.set(i);
            }
        }
        return r;
    }

    /**
     * A kernel for one node. Throws {@link UnsupportedOpException} when the node (op, domain, opset,
     * attributes or types) is not supported, naming what is missing.
     */
    Kernel compile(KernelRequest request);

    /** The allocator for this backend's memory. */
    Allocator allocator();

    /** A host copy of a tensor this backend holds (returns host tensors unchanged). */
    Tensor toHost(Tensor tensor);

    /** A copy of a host tensor in this backend's memory (host backends return it unchanged). */
    Tensor fromHost(Tensor tensor);

    /** Releases everything this backend owns; idempotent. */
    @Override
    void close();
}
