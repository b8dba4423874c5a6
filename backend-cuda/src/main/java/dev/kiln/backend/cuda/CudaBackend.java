package dev.kiln.backend.cuda;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.Tensor;

/**
 * A CUDA device as a Kiln backend. It owns device memory and the host-device copies; it claims no ops
 * yet, so the partitioner places every node on the CPU until its kernels land.
 */
final class CudaBackend implements Backend {
    private final CudaAllocator allocator;

    CudaBackend(int device) {
        this.allocator = new CudaAllocator(device);
    }

    @Override
    public String id() {
        return CudaBackendProvider.ID;
    }

    @Override
    public boolean supports(NodeQuery query) {
        return false;
    }

    @Override
    public Kernel compile(KernelRequest request) {
        throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(),
                "the cuda backend has no kernel for it yet");
    }

    @Override
    public Allocator allocator() {
        return allocator;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return allocator.toHost(tensor);
    }

    @Override
    public Tensor fromHost(Tensor tensor) {
        return allocator.fromHost(tensor);
    }

    @Override
    public void close() {
        allocator.close();
    }
}
