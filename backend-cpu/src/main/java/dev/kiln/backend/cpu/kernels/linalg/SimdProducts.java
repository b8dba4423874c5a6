package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.PackedPanels;
import dev.kiln.backend.cpu.simd.SimdGemm;

/**
 * Float products through {@link SimdGemm} for operands that change every run (activations and gradients of
 * training graphs): op(b) is packed into panels and a transposed a copied to rows per call, both into scratch
 * arrays of the calling thread that grow and are reused, so steady-state runs allocate nothing.
 *
 * <p>Kernels use it for constant weights with a transposed a ({@link ConstantWeight}); packing per call is not
 * wired into MatMul or Gemm on activations, because {@code ProductsBench} measured it no faster than OpenBLAS on
 * training shapes (see docs/performance.md). Call only when {@link dev.kiln.backend.cpu.simd.Simd#enabled()}. Safe from several threads; a call nested
 * inside another on the same thread (a pool worker helping with other work while it waits) gets fresh arrays.
 */
final class SimdProducts {
    /** Side of the square blocks a transpose copies at a time. */
    private static final int TILE = 16;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SimdProducts() {
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
            PackedPanels pb = PackedPanels.pack(b, bOff, ldb, transB, k, n, SimdGemm.panelWidth(), nested ? null : s.panels);
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
        float[] t = transpose(a, aOff, lda, k, m, nested ? null : s.rows);
        if (!nested) {
            s.rows = t;
        }
        SimdGemm.multiply(execution, t, 0, k, m, b, c, cOff, ldc, epilogue);
    }

    /**
     * {@code a} stored rows x cols (from off, stride ld) transposed into a dense cols x rows matrix, in
     * {@code dst} when it is large enough, else in a new array; returns the array used.
     */
    static float[] transpose(float[] a, int off, int ld, int rows, int cols, float[] dst) {
        float[] t = dst != null && dst.length >= rows * cols ? dst : new float[Math.max(1, rows * cols)];
        // in square tiles, so that both the reads and the strided writes stay in cache lines already loaded
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * ld;
                    for (int j = j0; j < j1; j++) {
                        t[j * rows + r] = a[src + j];
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
