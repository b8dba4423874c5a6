package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.simd.PackedPanels;
import dev.kiln.backend.cpu.simd.SimdGemm;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Float Conv on the Vector API GEMM: per image and group, {@code Y[mg, HW] = W[mg, K] * col[K, HW]} with W read
 * in place (row-major, as the model stores it), col gathered straight into panels by {@link Im2Panels}, and the
 * bias, residual and activation applied by the GEMM's epilogue to each finished row piece while it is in cache.
 *
 * <p>Refers to {@link SimdGemm}: only reach this class after {@code Simd.enabled()} returned true. One instance
 * per Conv kernel; it keeps the last panel buffer for the next run (a concurrent run allocates its own), so it is
 * safe to use from several threads.
 */
final class SimdConv {
    private final AtomicReference<PackedPanels> spare = new AtomicReference<>();

    /** Y = conv(x, w) then {@code epilogue}, into y (the previous contents are ignored). */
    void convolve(ConvKernel.Geometry g, Window win, float[] x, float[] w, float[] y, ConvEpilogue epilogue,
                  CpuExecution execution) {
        int k = g.cg() * g.taps();
        PackedPanels panels = take(k, g.outSize());
        for (int img = 0; img < g.n(); img++) {
            for (int grp = 0; grp < g.group(); grp++) {
                int xOff = (img * g.c() + grp * g.cg()) * g.inSize();
                int yOff = (img * g.m() + grp * g.mg()) * g.outSize();
                Im2Panels.gather(x, xOff, g.cg(), win, panels, execution);
                int channel0 = grp * g.mg();
                Blas.Epilogue rows = epilogue.isEmpty() ? null
                        : (c, off, row, col0, cols) -> epilogue.apply(c, off, channel0 + row, cols);
                SimdGemm.multiply(execution, w, grp * g.mg() * k, k, g.mg(), panels, y, yOff, g.outSize(), rows);
            }
        }
        spare.set(panels);
    }

    private PackedPanels take(int k, int n) {
        PackedPanels p = spare.getAndSet(null);
        if (p != null && p.k() == k && p.n() == n) {
            return p;
        }
        return PackedPanels.allocate(k, n, SimdGemm.panelWidth());
    }
}
