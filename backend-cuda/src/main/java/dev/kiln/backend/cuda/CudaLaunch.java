package dev.kiln.backend.cuda;

import dev.kiln.api.ExecutionException;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Launches a kernel through the driver API ({@code cuLaunchKernel}). Arguments map to the C parameter
 * types of the {@code .cu} sources: {@link DevicePointer} to a pointer, {@link Long} to {@code i64},
 * {@link Integer} to {@code int}, {@link Float} to {@code float}, {@link Double} to {@code double},
 * {@link CudaStrides} to the {@code Strides} struct passed by value. Stateless; thread-safe.
 */
final class CudaLaunch {
    /** Threads per block of every kernel; reduce.cu's shared arrays are sized for it. */
    static final int BLOCK = 256;
    /** Blocks at most in one launch; kernels loop over the rest (grid-stride loops). */
    private static final long MAX_BLOCKS = 1L << 20;

    private CudaLaunch() {
    }

    /** Blocks for {@code n} independent elements, one thread each. */
    static int blocksFor(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + BLOCK - 1) / BLOCK));
    }

    /** Blocks for {@code rows} rows handled by one block each. */
    static int blocksForRows(long rows) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, rows));
    }

    static void launch(CUfunc_st function, String name, int blocks, CUstream_st stream, Object... args) {
        try (PointerScope scope = new PointerScope()) {
            PointerPointer<Pointer> params = new PointerPointer<>(args.length);
            for (int i = 0; i < args.length; i++) {
                params.put(i, holder(args[i], name, i));
            }
            int err = cudart.cuLaunchKernel(function, blocks, 1, 1, BLOCK, 1, 1, 0, stream, params, (PointerPointer<?>) null);
            check(err, "cuLaunchKernel(" + name + ")");
        }
    }

    private static Pointer holder(Object arg, String name, int index) {
        if (arg instanceof DevicePointer p) {
            return new LongPointer(1).put(p.address());
        }
        if (arg instanceof Long v) {
            return new LongPointer(1).put(v);
        }
        if (arg instanceof Integer v) {
            return new IntPointer(1).put(v);
        }
        if (arg instanceof Float v) {
            return new FloatPointer(1).put(v);
        }
        if (arg instanceof Double v) {
            return new DoublePointer(1).put(v);
        }
        if (arg instanceof CudaStrides s) {
            return new LongPointer(s.packed());
        }
        throw new IllegalArgumentException("kernel " + name + ": argument " + index + " has unsupported type "
                + (arg == null ? "null" : arg.getClass().getSimpleName()) + "; use DevicePointer.NULL for a null pointer");
    }

    /** Throws naming the call when a driver-API result is not CUDA_SUCCESS. */
    static void check(int err, String what) {
        if (err != cudart.CUDA_SUCCESS) {
            String text = "error " + err;
            try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
                if (cudart.cuGetErrorString(err, out) == cudart.CUDA_SUCCESS && out.get(0) != null) {
                    text = new BytePointer(out.get(0)).getString();
                }
            }
            throw new ExecutionException(what + " failed: " + text + " (CUresult " + err + ")");
        }
    }

    /** Throws naming the call when a runtime-API result is not cudaSuccess. */
    static void checkRuntime(int err, String what) {
        if (err != cudart.cudaSuccess) {
            throw new ExecutionException(what + " failed: " + cudart.cudaGetErrorString(err).getString() + " (cudaError " + err + ")");
        }
    }
}
