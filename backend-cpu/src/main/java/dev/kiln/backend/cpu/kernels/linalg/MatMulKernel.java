package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;

/**
 * MatMul (numpy semantics): float32 and float64 through OpenBLAS, float16/bfloat16 through float32, and
 * 32/64-bit integers (wrapping) with a direct loop. A constant float32 B without batch dimensions is prepared
 * once at compile time ({@link ConstantWeight}): packed into panels for the SIMD GEMM when the SIMD kernels are
 * on, else copied to native memory for OpenBLAS.
 */
final class MatMulKernel implements Kernel {
    private final CpuExecution execution;
    private final ConstantWeight constantB;
    /** Whether products of operands that change per run may go through {@link SimdProducts}. */
    private final boolean simdProducts;

    MatMulKernel(KernelRequest request, CpuExecution execution) {
        this(request, execution, Simd.enabled(), Simd.enabled() && SimdProducts.requested());
    }

    /** {@code simd} picks the path of both a constant B and operands that change per run (tests of each path). */
    MatMulKernel(KernelRequest request, CpuExecution execution, boolean simd) {
        this(request, execution, simd, simd);
    }

    /**
     * {@code simd} false keeps a constant B for OpenBLAS even when the SIMD kernels are on; {@code simdProducts}
     * lets operands that change per run go through {@link SimdProducts} (see {@link SimdProducts#requested}).
     */
    MatMulKernel(KernelRequest request, CpuExecution execution, boolean simd, boolean simdProducts) {
        this.execution = execution;
        this.simdProducts = simdProducts;
        Tensor b = request.constantInputs().get(1);
        if (b != null && b.isHost() && b.dtype() == DType.FLOAT && b.rank() <= 2) {
            int k = (int) b.dim(0);
            int n = b.rank() == 2 ? (int) b.dim(1) : 1;
            this.constantB = ConstantWeight.prepare(b, false, k, n, simd);
        } else {
            this.constantB = null;
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        ctx.setOutput(0, compute(ctx));
    }

    /** The product of inputs 0 and 1 in a tensor allocated from {@code ctx}; sets no output. */
    Tensor compute(KernelContext ctx) {
        return compute(ctx, null);
    }

    /**
     * As {@link #compute(KernelContext)}, running {@code epilogue} (may be null) on each finished piece of
     * a float32 product; for other element types the caller finishes the output itself.
     */
    Tensor compute(KernelContext ctx, Blas.Epilogue epilogue) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        if (a.dtype() != b.dtype()) {
            throw new InvalidInputException("MatMul: inputs A and B must have the same element type, got "
                    + a.describe() + " and " + b.describe());
        }
        MatMulShape s = MatMulShape.of("MatMul", a.dims(), b.dims());
        // the floating-point products write every element, so recycled memory need not be cleared first
        boolean overwrites = TensorArrays.computesInFloat(a.dtype()) || a.dtype() == DType.DOUBLE;
        Tensor y = overwrites ? ctx.allocateUninitialized(a.dtype(), s.output) : ctx.allocate(a.dtype(), s.output);
        switch (a.dtype()) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                float[] out = a.dtype() == DType.FLOAT ? y.floatData() : new float[y.size()];
                boolean packed = constantB != null && constantB.isFor(b);
                multiplyFloats(execution, s, TensorArrays.floats(a), TensorArrays.floats(b), packed ? constantB : null, simdProducts, out,
                        a.dtype() == DType.FLOAT ? epilogue : null);
                TensorArrays.store(out, y);
            }
            case DOUBLE -> multiplyDoubles(execution, s, a.doubleData(), b.doubleData(), y.doubleData());
            case INT32, UINT32, INT64, UINT64 -> IntegerMatMul.multiply(s, a, b, y, execution);
            default -> throw new UnsupportedOpException("MatMul", "", ctx.opsetVersion(),
                    "input A has element type " + a.dtype() + "; expected float32, float64, float16, bfloat16, int32, int64, uint32 or uint64");
        }
        return y;
    }

    /**
     * {@code y = a * b} for float32 operands of shape {@code s}; {@code packedB} (may be null) is b prepared once,
     * {@code simd} lets a b that changes per call go through {@link SimdProducts} where that is faster.
     */
    static void multiplyFloats(CpuExecution execution, MatMulShape s, float[] a, float[] b, ConstantWeight packedB, boolean simd,
                               float[] y, Blas.Epilogue epilogue) {
        if (s.sharedB) {
            if (packedB != null) {
                packedB.multiply(execution, false, s.batch() * s.m, a, 0, s.k, y, 0, s.n, epilogue);
            } else if (simd && SimdProducts.suits(false, s.batch() * s.m, s.n, s.k)) {
                SimdProducts.multiply(execution, false, false, s.batch() * s.m, s.n, s.k, a, 0, s.k, b, 0, s.n, y, 0, s.n, epilogue);
            } else {
                Blas.sgemm(execution, false, false, s.batch() * s.m, s.n, s.k, 1f, Blas.Floats.of(a, 0, s.k),
                        Blas.Floats.of(b, 0, s.n), y, 0, s.n, epilogue);
            }
            return;
        }
        int outStride = s.m * s.n;
        // many small products (attention heads) run one per thread; few large ones are split inside
        boolean acrossBatch = s.batch() >= execution.threads();
        CpuExecution inner = acrossBatch ? null : execution;
        execution.parallelFor(acrossBatch ? s.batch() : 1, (long) s.m * s.n * s.k, (start, end) -> {
            int from = acrossBatch ? start : 0;
            int to = acrossBatch ? end : s.batch();
            for (int i = from; i < to; i++) {
                Blas.sgemm(inner, false, false, s.m, s.n, s.k, 1f, Blas.Floats.of(a, s.aOffsets[i], s.k),
                        Blas.Floats.of(b, s.bOffsets[i], s.n), y, i * outStride, s.n, epilogue);
            }
        });
    }

    static void multiplyDoubles(CpuExecution execution, MatMulShape s, double[] a, double[] b, double[] y) {
        if (s.sharedB) {
            Blas.dgemm(execution, false, false, s.batch() * s.m, s.n, s.k, 1, a, 0, s.k, b, 0, s.n, y, 0, s.n);
            return;
        }
        int outStride = s.m * s.n;
        boolean acrossBatch = s.batch() >= execution.threads();
        CpuExecution inner = acrossBatch ? null : execution;
        execution.parallelFor(acrossBatch ? s.batch() : 1, (long) s.m * s.n * s.k, (start, end) -> {
            int from = acrossBatch ? start : 0;
            int to = acrossBatch ? end : s.batch();
            for (int i = from; i < to; i++) {
                Blas.dgemm(inner, false, false, s.m, s.n, s.k, 1, a, s.aOffsets[i], s.k, b, s.bOffsets[i], s.n, y, i * outStride, s.n);
            }
        });
    }
}
