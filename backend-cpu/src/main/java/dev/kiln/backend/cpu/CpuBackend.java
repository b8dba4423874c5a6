package dev.kiln.backend.cpu;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.Tensor;

/**
 * A created CPU backend: kernels from the registry, a recycling host allocator, one thread pool, and the
 * native memory its kernels prepacked ({@link CpuNativeMemory}), all released by {@link #close()}; its
 * kernels must not run after that.
 */
public final class CpuBackend implements Backend {
    /**
     * Backend option: microseconds an idle worker thread spins before it parks ({@link CpuExecution}); 0 parks at
     * once (no spinning CPU at all), larger values bridge longer serial stretches of a run.
     */
    public static final String SPIN_OPTION = "spin_us";

    private final CpuKernelRegistry registry;
    private final CpuAllocator allocator = new CpuAllocator();
    private final CpuExecution execution;
    private final CpuNativeMemory nativeMemory = new CpuNativeMemory();

    public CpuBackend(BackendContext context, CpuKernelRegistry registry) {
        this.registry = registry;
        this.execution = new CpuExecution(context.threads(), spinMicros(context));
    }

    /** Backend option {@value #SPIN_OPTION}, else {@link CpuExecution#defaultSpinMicros()}. */
    private static long spinMicros(BackendContext context) {
        String s = context.option(SPIN_OPTION, null);
        if (s == null) {
            return CpuExecution.defaultSpinMicros();
        }
        try {
            long us = Long.parseLong(s.trim());
            if (us >= 0) {
                return us;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("backend option " + SPIN_OPTION + ": expected whole microseconds >= 0, got '" + s + "'");
    }

    @Override
    public String id() {
        return CpuBackendProvider.ID;
    }

    @Override
    public boolean supports(NodeQuery query) {
        return registry.find(query.node().domain(), query.node().opType()) != null;
    }

    @Override
    public Kernel compile(KernelRequest request) {
        CpuKernelFactory f = registry.find(request.node().domain(), request.node().opType());
        if (f == null) {
            throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(),
                    "the CPU backend has no kernel for it");
        }
        return execution.guarded(nativeMemory.compiling(() -> f.create(request, execution)));
    }

    @Override
    public Allocator allocator() {
        return allocator;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return tensor;
    }

    @Override
    public Tensor fromHost(Tensor tensor) {
        return tensor;
    }

    /** The thread pool kernels of this backend use. */
    public CpuExecution execution() {
        return execution;
    }

    @Override
    public void close() {
        execution.close();
        allocator.clearPool();
        nativeMemory.close();
    }
}
