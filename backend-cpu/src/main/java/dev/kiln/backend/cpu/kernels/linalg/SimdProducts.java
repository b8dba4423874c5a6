package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.PackedPanels;
import dev.kiln.backend.cpu.simd.SimdGemm;

/**
 * Float products through {@link SimdGemm} for operands that change every run (activations and gradients of
 * training graphs): op(b) is packed into panels and a transposed a copied to rows per call, both into scratch
 * arrays of the calling thread that grow and are reused, so steady-state runs allocate nothing.
 *
 * <p>Kernels use it for constant weights with a transposed a ({@link ConstantWeight}), and, only when asked with
 * {@code -Dkiln.simd.products=on} ({@link #requested}), for MatMul and Gemm on activations where {@link #suits}
 * says so (training graphs: the rows of a whole batch times a weight fed as an input, or a gradient times a
 * transposed weight). Off by default: alone each product is 1.05-1.11x OpenBLAS (ProductsBench), but whole
 * MiniLM training steps with it ran 2-4x slower, the time showing up in unrelated plain-Java ops (ReduceSum,
 * Softmax), not understood yet (docs/performance.md, "Training steps"). Call only when
 * {@link dev.kiln.backend.cpu.simd.Simd#enabled()}. Safe from several threads; a call nested
 * inside another on the same thread (a pool worker helping with other work while it waits) gets fresh arrays.
 */
final class SimdProducts {
    /** Side of the square blocks a transpose copies at a time. */
    private static final int TILE = 16;
    /** Fewest rows of a product of changing operands worth packing b for (see {@link #suits}). */
    private static final int MIN_ROWS = 256;
    /** Narrowest n and k of such a product (see {@link #suits}). */
    private static final int MIN_EXTENT = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SimdProducts() {
    }

    /** True when {@code -Dkiln.simd.products=on} asks for products of changing operands on the SIMD GEMM. */
    static boolean requested() {
        return "on".equalsIgnoreCase(System.getProperty("kiln.simd.products", "off").trim());
    }

    /**
     * True when a product of operands that change every call is faster here than through OpenBLAS: 16-lane
     * vectors, a not transposed (the copy of a transposed a cost more than the product gained: ProductsBench,
     * 384x384x1024 transA at 0.67 of OpenBLAS's speed), and every extent large enough that packing b and the
     * partial tiles are small beside the product (attention-head products of 128 x 128 x 32 ran at half
     * OpenBLAS's speed). Call only when {@link dev.kiln.backend.cpu.simd.Simd#enabled()}.
     */
    static boolean suits(boolean transA, int m, int n, int k) {
        return !transA && m >= MIN_ROWS && n >= MIN_EXTENT && k >= MIN_EXTENT && SimdGemm.preferred();
    }

    /**
     * {@code c = op(a) * op(b)}, op(a) m x k stored from aOff with row stride lda (k x m when transA), op(b)
     * k x n from bOff with stride ldb (n x k when transB), then {@code epilogue} (may be null) on each finished
     * row piece.
     */
    static void multiply(CpuExecution execution, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                         int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, Blas.Epilogue epilogue) {
        Scratch s = SCRATCH.get();
        boolean nested = s.busy;
        s.busy = true;
        try {
            PackedPanels pb = PackedPanels.pack(b, bOff, ldb, transB, k, n, SimdGemm.panelWidth(), nested ? null : s.panels,
                    execution);
            if (!nested) {
                s.panels = pb.data();
            }
            run(execution, s, nested, transA, m, a, aOff, lda, pb, c, cOff, ldc, epilogue);
        } finally {
            s.busy = nested;
        }
    }

    /** {@code c = op(a) * b} for panels packed beforehand (a constant weight); otherwise as {@link #multiply}. */
    static void multiply(CpuExecution execution, boolean transA, int m, float[] a, int aOff, int lda, PackedPanels b,
                         float[] c, int cOff, int ldc, Blas.Epilogue epilogue) {
        if (!transA) {
            SimdGemm.multiply(execution, a, aOff, lda, m, b, c, cOff, ldc, epilogue);
            return;
        }
        Scratch s = SCRATCH.get();
        boolean nested = s.busy;
        s.busy = true;
        try {
            run(execution, s, nested, true, m, a, aOff, lda, b, c, cOff, ldc, epilogue);
        } finally {
            s.busy = nested;
        }
    }

    private static void run(CpuExecution execution, Scratch s, boolean nested, boolean transA, int m, float[] a, int aOff,
                            int lda, PackedPanels b, float[] c, int cOff, int ldc, Blas.Epilogue epilogue) {
        if (!transA) {
            SimdGemm.multiply(execution, a, aOff, lda, m, b, c, cOff, ldc, epilogue);
            return;
        }
        // the SIMD kernel reads rows of op(a): copy them out once (m * k, small next to m * n * k)
        int k = b.k();
        int ld = paddedStride(k);
        float[] t = transpose(a, aOff, lda, k, m, ld, nested ? null : s.rows);
        if (!nested) {
            s.rows = t;
        }
        SimdGemm.multiply(execution, t, 0, ld, m, b, c, cOff, ldc, epilogue);
    }

    /**
     * Row stride for a copy of rows of {@code k} floats: k, or k + 16 when k * 4 bytes is a multiple of 512, where
     * the rows the micro-kernel reads together (and the transpose writes together) would map to the same few cache
     * sets (k = 1024 ran the weight-gradient product at 95 GFLOP/s on one thread against 149 for the same product
     * untransposed, and the copy itself 3-10x slower than at k = 384).
     */
    static int paddedStride(int k) {
        return k % 128 == 0 ? k + 16 : k;
    }

    /**
     * {@code a} stored rows x cols (from off, stride ld) transposed into a cols x rows matrix of row stride
     * {@code dstLd} (at least rows), in {@code dst} when it is large enough, else in a new array; returns the array used.
     */
    static float[] transpose(float[] a, int off, int ld, int rows, int cols, int dstLd, float[] dst) {
        int length = Math.max(1, (cols - 1) * dstLd + rows);
        float[] t = dst != null && dst.length >= length ? dst : new float[length];
        // in square tiles, so that both the reads and the strided writes stay in cache lines already loaded
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * ld;
                    for (int j = j0; j < j1; j++) {
                        t[j * dstLd + r] = a[src + j];
                    }
                }
            }
        }
        return t;
    }

    private static final class Scratch {
        boolean busy;
        float[] panels;
        float[] rows;
    }
}
