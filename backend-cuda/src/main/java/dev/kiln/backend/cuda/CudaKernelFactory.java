package dev.kiln.backend.cuda;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;

/**
 * Claims and builds the CUDA kernel of one op. {@link #supports} decides without a GPU (attributes and
 * input element types only), so the claim is testable anywhere; it must be true only for nodes the kernel
 * runs exactly, since the partitioner sends everything else to the CPU. Implementations are stateless.
 */
public interface CudaKernelFactory {
    /** Whether the kernel runs this node; input types may be null (unknown), which a factory may refuse. */
    boolean supports(NodeQuery query);

    /** The kernel for a node that {@link #supports} accepted. */
    Kernel create(KernelRequest request, CudaDevice device);

    /** A factory from a claim test and a constructor. */
    static CudaKernelFactory of(java.util.function.Predicate<NodeQuery> supports,
                                java.util.function.BiFunction<KernelRequest, CudaDevice, Kernel> create) {
        return new CudaKernelFactory() {
            @Override
            public boolean supports(NodeQuery query) {
                return supports.test(query);
            }

            @Override
            public Kernel create(KernelRequest request, CudaDevice device) {
                return create.apply(request, device);
            }
        };
    }
}
