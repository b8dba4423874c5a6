package dev.kiln.backend.cuda;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.Tensor;

/**
 * A CUDA device as a Kiln backend. It claims exactly the nodes its kernel registry supports (op, domain,
 * attributes, input types); the partitioner places the rest on the CPU and copies at the boundaries.
 * Thread-safe. {@link #close()} frees the device memory, stream and cuBLAS handle; idempotent.
 */
final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final CudaKernelRegistry registry;

    CudaBackend(int ordinal, boolean tf32) {
        this.device = new CudaDevice(ordinal, tf32);
        this.registry = CudaKernelRegistry.defaultRegistry();
    }

    @Override
    public String id() {
        return CudaBackendProvider.ID;
    }

    @Override
    public boolean supports(NodeQuery query) {
        return claims(registry, query);
    }

    /** The claim rule, shared with the GPU-free tests: a registered factory that accepts the node. */
    static boolean claims(CudaKernelRegistry registry, NodeQuery query) {
        CudaKernelFactory f = registry.find(query.node().domain(), query.node().opType());
        return f != null && f.supports(query);
    }

    @Override
    public Kernel compile(KernelRequest request) {
        CudaKernelFactory f = registry.find(request.node().domain(), request.node().opType());
        if (f == null || !f.supports(new NodeQuery(request.node(), request.opsetVersion(), request.inputTypes()))) {
            throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(),
                    "the cuda backend has no kernel for this node (its attributes or input types " + request.inputTypes() + ")");
        }
        return f.create(request, device);
    }

    @Override
    public Allocator allocator() {
        return device.allocator();
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return device.allocator().toHost(tensor);
    }

    @Override
    public Tensor fromHost(Tensor tensor) {
        return device.allocator().fromHost(tensor);
    }

    @Override
    public void close() {
        device.close();
    }
}
