package dev.kiln.backend.cuda;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One GPU as the CUDA kernels see it: its primary context, one stream on which every kernel, copy and
 * cuBLAS call of a backend is queued (so stream order is the only synchronisation needed, and pooled
 * memory released by one node is safely reused by a later one), the cuBLAS handle, the loaded kernels and
 * the allocator. Public for the kernel packages of this module only; not an API.
 *
 * <p>Thread-safe: launches from several threads go to the one stream; cuBLAS calls are serialised.
 * {@link #close()} frees this backend's memory; kernels must not run after it.
 */
public final class CudaDevice implements AutoCloseable {
    /** Per GPU, the context, stream, cuBLAS handles and kernels, made once: sessions open in milliseconds. */
    private static final Map<Integer, Shared> SHARED = new ConcurrentHashMap<>();

    private final int ordinal;
    private final CUctx_st context;
    private final CUstream_st stream;
    private final cublasContext blas;
    private final CudaModule module;
    private final CudaAllocator allocator;
    private boolean closed;

    CudaDevice(int ordinal, boolean tf32) {
        this.ordinal = ordinal;
        Shared shared = SHARED.computeIfAbsent(ordinal, Shared::new);
        this.context = shared.context;
        this.stream = shared.stream;
        this.blas = tf32 ? shared.tf32Blas : shared.blas;
        this.module = shared.module;
        this.allocator = new CudaAllocator(this);
    }

    /**
     * What every backend on one GPU shares for the life of the process: the primary context, one stream
     * (so all work on the device is ordered), a cuBLAS handle in plain float32 and one allowed TF32
     * tensor cores, and the loaded kernels. Never destroyed; the driver reclaims it at exit.
     */
    private static final class Shared {
        final CUctx_st context = new CUctx_st();
        final CUstream_st stream = new CUstream_st();
        final cublasContext blas;
        final cublasContext tf32Blas;
        final CudaModule module;

        Shared(int ordinal) {
            CudaLaunch.checkRuntime(cudart.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
            // a runtime call makes the device's primary context current; the driver-API launches use it too
            CudaLaunch.checkRuntime(cudart.cudaFree(null), "initialising the CUDA context of device " + ordinal);
            CudaLaunch.check(cudart.cuCtxGetCurrent(context), "cuCtxGetCurrent");
            CudaLaunch.checkRuntime(cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking), "cudaStreamCreate");
            blas = handle(stream, cublas.CUBLAS_DEFAULT_MATH);
            tf32Blas = handle(stream, cublas.CUBLAS_TF32_TENSOR_OP_MATH);
            int[] major = new int[1];
            int[] minor = new int[1];
            CudaLaunch.checkRuntime(cudart.cudaDeviceGetAttribute(major, cudart.cudaDevAttrComputeCapabilityMajor, ordinal), "compute capability");
            CudaLaunch.checkRuntime(cudart.cudaDeviceGetAttribute(minor, cudart.cudaDevAttrComputeCapabilityMinor, ordinal), "compute capability");
            module = CudaModule.forDevice(ordinal, major[0], minor[0]);
        }

        private static cublasContext handle(CUstream_st stream, int mathMode) {
            cublasContext h = new cublasContext();
            blasCheck(cublas.cublasCreate_v2(h), "cublasCreate");
            blasCheck(cublas.cublasSetStream_v2(h, stream), "cublasSetStream");
            blasCheck(cublas.cublasSetMathMode(h, mathMode), "cublasSetMathMode");
            return h;
        }
    }

    int ordinal() {
        return ordinal;
    }

    CUstream_st stream() {
        return stream;
    }

    public CudaAllocator allocator() {
        return allocator;
    }

    /** Makes this device's context current on the calling thread (executor threads vary). */
    public void enter() {
        CudaLaunch.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Launches {@code kernel} with one thread per element of {@code n}; does nothing for n = 0. */
    public void launch(String kernel, long n, Object... args) {
        if (n > 0) {
            enter();
            CudaLaunch.launch(module.function(kernel), kernel, CudaLaunch.blocksFor(n), stream, args);
        }
    }

    /** Launches a row kernel (reduce.cu) with one block per row of {@code rows}; does nothing for rows = 0. */
    public void launchRows(String kernel, long rows, Object... args) {
        if (rows > 0) {
            enter();
            CudaLaunch.launch(module.function(kernel), kernel, CudaLaunch.blocksForRows(rows), stream, args);
        }
    }

    /**
     * The device address of input {@code i}. A host tensor (a small shape-like value the backend keeps on
     * the host, see {@link CudaAllocator#fromHost}) is uploaded to a temporary first.
     */
    public DevicePointer in(KernelContext ctx, int i) {
        Tensor t = ctx.tensor(i);
        if (t.isHost()) {
            Tensor dev = ctx.allocate(t.dtype(), t.shape());
            allocator.upload(t, dev);
            t = dev;
        }
        return address(t);
    }

    /**
     * A copy of a host tensor in this device's memory that lives until the backend closes (compile-time
     * constants); small integer tensors stay on the host as in {@link CudaAllocator#fromHost}.
     */
    public Tensor upload(Tensor host) {
        return allocator.fromHost(host);
    }

    /** The device address of a tensor this backend allocated. */
    public DevicePointer address(Tensor t) {
        return allocator.address(t);
    }

    /** The values of a small integer tensor (shape, axes, starts), read back to the host if it lives here. */
    public long[] longs(Tensor t) {
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new InvalidInputException("expected an int64 or int32 tensor, got " + t.describe());
        }
        return allocator.toHost(t).toLongArray();
    }

    /** The value of a one-element tensor as a double, read back to the host if it lives here. */
    public double scalar(Tensor t) {
        if (t.elementCount() != 1) {
            throw new InvalidInputException("expected a scalar, got " + t.describe());
        }
        return allocator.toHost(t).getDouble(0);
    }

    /** Copies {@code bytes} from one device address to another, queued on the stream. */
    public void copy(DevicePointer dst, DevicePointer src, long bytes) {
        if (bytes > 0) {
            enter();
            CudaLaunch.checkRuntime(cudart.cudaMemcpyAsync(dst.pointer(), src.pointer(), bytes, cudart.cudaMemcpyDeviceToDevice, stream),
                    "cudaMemcpyAsync device to device");
        }
    }

    /**
     * Row-major float32 C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b] for b < batch, with op(A) of shape
     * [m, k] and op(B) of shape [k, n]; a stride of 0 reuses one matrix for every batch. cuBLAS is
     * column-major, so this computes C^T = op(B)^T op(A)^T, which reads the row-major buffers as they are.
     */
    public void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha,
                     DevicePointer a, long strideA, DevicePointer b, long strideB, float beta,
                     DevicePointer c, long strideC, long batch) {
        gemm(transA, transB, m, n, k, alpha, a, transA ? m : k, strideA, b, transB ? k : n, strideB, beta, c, n, strideC, batch);
    }

    /**
     * As {@link #gemm(boolean, boolean, long, long, long, float, DevicePointer, long, DevicePointer, long, float,
     * DevicePointer, long, long)} with explicit row-major leading dimensions (the distance between rows of each
     * stored matrix), for matrices that are strided views of a larger tensor (attention heads).
     */
    public void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha,
                     DevicePointer a, long lda, long strideA, DevicePointer b, long ldb, long strideB, float beta,
                     DevicePointer c, long ldc, long strideC, long batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        enter();
        try (FloatPointer al = new FloatPointer(alpha); FloatPointer be = new FloatPointer(beta)) {
            synchronized (blas) {
                blasCheck(cublas.cublasSgemmStridedBatched(blas, transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                        transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, Math.toIntExact(n), Math.toIntExact(m),
                        Math.toIntExact(k), al, b.floats(), Math.toIntExact(Math.max(1, ldb)), strideB, a.floats(),
                        Math.toIntExact(Math.max(1, lda)), strideA, be, c.floats(), Math.toIntExact(Math.max(1, ldc)), strideC,
                        Math.toIntExact(batch)), "cublasSgemmStridedBatched");
            }
        }
    }

    /** Waits for everything queued on the stream; errors of earlier asynchronous launches surface here. */
    public void synchronize() {
        enter();
        CudaLaunch.checkRuntime(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize (an earlier kernel may have failed)");
    }

    private static void blasCheck(int status, String what) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new ExecutionException(what + " failed with cublasStatus " + status);
        }
    }

    /** Frees this backend's device memory (after the work queued so far); the shared stream and handles stay. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        enter();
        cudart.cudaStreamSynchronize(stream);
        allocator.close();
    }
}
