package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.PackedPanels;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;

/**
 * A constant float32 right operand of a GEMM-shaped kernel (MatMul, FusedMatMul, Gemm), prepared once at kernel
 * compile time for the product that will use it: column panels on the heap for {@link SimdGemm} when the SIMD
 * kernels are on, otherwise a copy in native memory for OpenBLAS. It holds one of the two, never both: the
 * panels are owned by the kernel (freed with the session that compiled it), the native copy by the backend
 * ({@link Blas#pack}).
 *
 * <p>Immutable after construction; {@link #multiply} is safe from several threads on disjoint outputs.
 */
final class ConstantWeight {
    private final Object source;
    private final boolean trans;
    private final int k;
    private final int n;
    private final PackedPanels panels;
    private final Blas.NativeFloats nativeCopy;

    private ConstantWeight(Object source, boolean trans, int k, int n, PackedPanels panels, Blas.NativeFloats nativeCopy) {
        this.source = source;
        this.trans = trans;
        this.k = k;
        this.n = n;
        this.panels = panels;
        this.nativeCopy = nativeCopy;
    }

    /**
     * Prepares {@code op(b)}, k x n, from the host float32 tensor {@code b} (k x n row-major, or n x k when
     * {@code trans}); {@code simd} allows the panel form (pass {@link Simd#enabled()}; tests pass false to reach
     * the OpenBLAS path), taken when {@link SimdGemm#preferred()} and n fills at least half a panel.
     */
    static ConstantWeight prepare(Tensor b, boolean trans, int k, int n, boolean simd) {
        float[] data = b.floatData();
        int ld = trans ? k : n;
        // narrower than half a panel, most of each panel would be zero padding
        if (simd && SimdGemm.preferred() && 2 * n >= SimdGemm.panelWidth()) {
            return new ConstantWeight(b.data(), trans, k, n,
                    PackedPanels.pack(data, 0, ld, trans, k, n, SimdGemm.panelWidth()), null);
        }
        return new ConstantWeight(b.data(), trans, k, n, null, Blas.pack(data, 0, b.size()));
    }

    /** True when {@code b} is the tensor this operand was prepared from (the run did not replace it). */
    boolean isFor(Tensor b) {
        return b.data() == source;
    }

    /** True when products run through {@link SimdGemm}. */
    boolean simd() {
        return panels != null;
    }

    /**
     * {@code c = op(a) * op(b)} then {@code epilogue} (may be null) on each finished row piece; op(a) is m x k,
     * read from {@code a} at {@code aOff} with row stride {@code lda} (k x m stored when {@code transA}).
     */
    void multiply(CpuExecution execution, boolean transA, int m, float[] a, int aOff, int lda, float[] c, int cOff, int ldc,
                  Blas.Epilogue epilogue) {
        if (panels == null) {
            Blas.sgemm(execution, transA, trans, m, n, k, 1f, Blas.Floats.of(a, aOff, lda),
                    Blas.Floats.of(nativeCopy, 0, trans ? k : n), c, cOff, ldc, epilogue);
            return;
        }
        SimdProducts.multiply(execution, transA, m, a, aOff, lda, panels, c, cOff, ldc, epilogue);
    }
}
