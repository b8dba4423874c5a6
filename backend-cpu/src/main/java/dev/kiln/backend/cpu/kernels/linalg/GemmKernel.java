package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;

/**
 * Gemm: {@code Y = alpha * op(A) * op(B) + beta * C} with C broadcast to (M, N). Floating types go through
 * OpenBLAS (float16/bfloat16 via float32); 32/64-bit integers use a direct loop with alpha and beta
 * truncated to integers. A constant float32 B is prepared once at compile time ({@link ConstantWeight}: panels
 * for the SIMD GEMM when the SIMD kernels are on, else a native copy for OpenBLAS); a float32 B that changes per
 * run (training) is packed per call for the SIMD GEMM when asked ({@link SimdProducts#requested}) and
 * {@link SimdProducts#suits} says that is faster.
 */
final class GemmKernel implements Kernel {
    private final float alpha;
    private final float beta;
    private final boolean transA;
    private final boolean transB;
    private final CpuExecution execution;
    private final ConstantWeight constantB;
    /** Whether products of operands that change per run may go through {@link SimdProducts}. */
    private final boolean simdProducts;

    GemmKernel(KernelRequest request, CpuExecution execution) {
        this(request, execution, Simd.enabled(), Simd.enabled() && SimdProducts.requested());
    }

    /** {@code simd} picks the path of both a constant B and operands that change per run (tests of each path). */
    GemmKernel(KernelRequest request, CpuExecution execution, boolean simd) {
        this(request, execution, simd, simd);
    }

    /**
     * {@code simd} false keeps a constant B for OpenBLAS even when the SIMD kernels are on; {@code simdProducts}
     * lets operands that change per run go through {@link SimdProducts} (see {@link SimdProducts#requested}).
     */
    GemmKernel(KernelRequest request, CpuExecution execution, boolean simd, boolean simdProducts) {
        Node node = request.node();
        this.alpha = node.getFloat("alpha", 1f);
        this.beta = node.getFloat("beta", 1f);
        this.transA = node.getInt("transA", 0) != 0;
        this.transB = node.getInt("transB", 0) != 0;
        this.execution = execution;
        this.simdProducts = simdProducts;
        Tensor b = request.constantInputs().get(1);
        if (b != null && b.isHost() && b.dtype() == DType.FLOAT && b.rank() == 2) {
            int k = (int) (transB ? b.dim(1) : b.dim(0));
            int n = (int) (transB ? b.dim(0) : b.dim(1));
            this.constantB = ConstantWeight.prepare(b, transB, k, n, simd);
        } else {
            this.constantB = null;
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        Tensor c = ctx.hasInput(2) ? ctx.tensor(2) : null;
        if (a.rank() != 2 || b.rank() != 2) {
            throw new InvalidInputException("Gemm: inputs A and B must be matrices, got A " + a.describe() + " and B " + b.describe());
        }
        if (a.dtype() != b.dtype() || c != null && c.dtype() != a.dtype()) {
            throw new InvalidInputException("Gemm: inputs must share one element type, got A " + a.describe() + ", B "
                    + b.describe() + (c == null ? "" : ", C " + c.describe()));
        }
        int m = (int) (transA ? a.dim(1) : a.dim(0));
        int k = (int) (transA ? a.dim(0) : a.dim(1));
        int kb = (int) (transB ? b.dim(1) : b.dim(0));
        int n = (int) (transB ? b.dim(0) : b.dim(1));
        if (k != kb) {
            throw new InvalidInputException("Gemm: op(A) is " + m + "x" + k + " but op(B) is " + kb + "x" + n
                    + " (A " + a.describe() + " transA=" + (transA ? 1 : 0) + ", B " + b.describe() + " transB=" + (transB ? 1 : 0) + ")");
        }
        long[] cStrides = c == null || beta == 0 ? null : biasStrides(c, m, n);
        boolean overwrites = TensorArrays.computesInFloat(a.dtype()) || a.dtype() == DType.DOUBLE;
        Tensor y = overwrites ? ctx.allocateUninitialized(a.dtype(), Shape.of(m, n)) : ctx.allocate(a.dtype(), Shape.of(m, n));
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        switch (a.dtype()) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                float[] out = a.dtype() == DType.FLOAT ? y.floatData() : new float[m * n];
                float[] av = TensorArrays.floats(a);
                Blas.Epilogue bias = cStrides == null ? null : biasEpilogue(TensorArrays.floats(c), cStrides, beta);
                if (constantB != null && constantB.isFor(b)) {
                    // the prepared product has no alpha: scale each finished piece before adding beta * C
                    constantB.multiply(execution, transA, m, av, 0, lda, out, 0, n, alpha == 1f ? bias : scaled(alpha, bias));
                } else if (simdProducts && SimdProducts.suits(transA, m, n, k)) {
                    SimdProducts.multiply(execution, transA, transB, m, n, k, av, 0, lda, TensorArrays.floats(b), 0, ldb, out, 0, n,
                            alpha == 1f ? bias : scaled(alpha, bias));
                } else {
                    Blas.sgemm(execution, transA, transB, m, n, k, alpha, Blas.Floats.of(av, 0, lda),
                            Blas.Floats.of(TensorArrays.floats(b), 0, ldb), out, 0, n, bias);
                }
                TensorArrays.store(out, y);
            }
            case DOUBLE -> {
                double[] out = y.doubleData();
                Blas.dgemm(execution, transA, transB, m, n, k, alpha, a.doubleData(), 0, lda, b.doubleData(), 0, ldb, out, 0, n);
                if (cStrides != null) {
                    double[] cv = c.doubleData();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            out[i * n + j] += beta * cv[(int) (i * cStrides[0] + j * cStrides[1])];
                        }
                    }
                }
            }
            case INT32, UINT32, INT64, UINT64 -> integerGemm(a, b, c, cStrides, y, m, n, k);
            default -> throw new UnsupportedOpException("Gemm", "", ctx.opsetVersion(),
                    "input A has element type " + a.dtype() + "; expected float32, float64, float16, bfloat16, int32, int64, uint32 or uint64");
        }
        ctx.setOutput(0, y);
    }

    /**
     * beta * C added to each finished piece of the product by the thread that computed it, while it is
     * in cache; a row bias (the common case) runs as a plain vectorizable loop.
     */
    private static Blas.Epilogue biasEpilogue(float[] cv, long[] cStrides, float beta) {
        int rowStride = (int) cStrides[0];
        int colStride = (int) cStrides[1];
        return (out, off, row, col0, cols) -> {
            int base = row * rowStride + col0 * colStride;
            if (colStride == 1) {
                for (int j = 0; j < cols; j++) {
                    out[off + j] += beta * cv[base + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    out[off + j] += beta * cv[base + j * colStride];
                }
            }
        };
    }

    /** Multiplies each finished piece by alpha, then runs {@code then} (may be null) on it. */
    private static Blas.Epilogue scaled(float alpha, Blas.Epilogue then) {
        return (out, off, row, col0, cols) -> {
            for (int j = 0; j < cols; j++) {
                out[off + j] *= alpha;
            }
            if (then != null) {
                then.apply(out, off, row, col0, cols);
            }
        };
    }

    /** Strides reading C as an (M, N) matrix; throws when C does not broadcast unidirectionally to it. */
    private static long[] biasStrides(Tensor c, int m, int n) {
        long[] dims = c.dims();
        long[] target = {m, n};
        boolean ok = dims.length <= 2;
        for (int i = 0; ok && i < dims.length; i++) {
            long t = target[2 - dims.length + i];
            ok = dims[i] == 1 || dims[i] == t;
        }
        if (!ok) {
            throw new InvalidInputException("Gemm: input C must broadcast to [" + m + "," + n + "], got " + c.describe());
        }
        return Broadcast.stridesFor(dims, target);
    }

    private void integerGemm(Tensor a, Tensor b, Tensor c, long[] cStrides, Tensor y, int m, int n, int k) {
        long alphaI = (long) alpha;
        long betaI = (long) beta;
        int[] aStr = transA ? new int[] {1, m} : new int[] {k, 1};
        int[] bStr = transB ? new int[] {1, k} : new int[] {n, 1};
        execution.parallelFor(m, (long) n * k, (start, end) -> {
            for (int i = start; i < end; i++) {
                for (int j = 0; j < n; j++) {
                    long sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a.getLong(i * aStr[0] + p * aStr[1]) * b.getLong(p * bStr[0] + j * bStr[1]);
                    }
                    long v = alphaI * sum;
                    if (cStrides != null) {
                        v += betaI * c.getLong((int) (i * cStrides[0] + j * cStrides[1]));
                    }
                    if (y.dtype().storage() == DType.Storage.INT) {
                        y.intData()[i * n + j] = (int) v;
                    } else {
                        y.longData()[i * n + j] = v;
                    }
                }
            }
        });
    }
}
