package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.simd.PackedPanels;
import dev.kiln.backend.cpu.simd.SimdGemm;
import java.util.HashMap;
import java.util.Map;

/**
 * Float Conv on the Vector API GEMM: per image and group, {@code Y[mg, HW] = W[mg, K] * col[K, HW]} with W read
 * in place (row-major, as the model stores it), col gathered straight into panels by {@link Im2Panels}, and the
 * bias, residual and activation applied by the GEMM's epilogue to each finished row piece while it is in cache.
 *
 * <p>Where there are enough output positions, they are cut into chunks of whole panels sized so that a chunk's
 * panels (K x chunk floats) stay in the core's L2 cache; each task gathers one chunk into its thread's own panels
 * and multiplies it right away on its own thread, so the gather is parallel and the GEMM reads panels that were
 * just written, never a whole column matrix from memory. With few positions (fewer chunks than four per thread)
 * each image's product is one GEMM split over the rows of W instead (a partial last panel or row tile goes through
 * the GEMM's own full-tile edge path). Each output element is summed in the same order whatever the split, so
 * results do not depend on the thread count.
 *
 * <p>Refers to {@link SimdGemm}: only reach this class after {@code Simd.enabled()} returned true. Stateless
 * apart from per-thread panel buffers; safe to use from several threads.
 */
final class SimdConv {
    /** Bytes of panels per chunk: about half of a 1-2 MiB L2, leaving room for the weights' row block. */
    private static final int CHUNK_BYTES = 256 * 1024;
    /** Per thread, panels by (k, n): a network reuses a handful of shapes. */
    private static final ThreadLocal<Map<Long, PackedPanels>> PANELS = ThreadLocal.withInitial(HashMap::new);

    private SimdConv() {
    }

    /** Y = conv(x, w) then {@code epilogue}, into y (the previous contents are ignored). */
    static void convolve(ConvKernel.Geometry g, Window win, float[] x, float[] w, float[] y, ConvEpilogue epilogue,
                         CpuExecution execution) {
        int k = g.cg() * g.taps();
        int hw = g.outSize();
        int width = SimdGemm.panelWidth();
        int panelsPerChunk = Math.max(1, Math.min(CHUNK_BYTES / (4 * width * Math.max(1, k)), (hw + width - 1) / width));
        int chunk = panelsPerChunk * width;
        int chunks = (hw + chunk - 1) / chunk;
        int tasks = g.n() * g.group() * chunks;
        if (tasks < 4 * execution.threads()) {
            // few positions (late stages, 7x7 or 14x14): one product per image and group, split over the rows of W
            for (int task = 0; task < tasks; task += chunks) {
                product(execution, g, win, x, w, y, epilogue, task / chunks, 0, hw);
            }
            return;
        }
        execution.parallelFor(tasks, 2L * g.mg() * k * chunk, (start, end) -> {
            for (int task = start; task < end; task++) {
                int col0 = task % chunks * chunk;
                product(null, g, win, x, w, y, epilogue, task / chunks, col0, Math.min(chunk, hw - col0));
            }
        });
    }

    /**
     * Output positions {@code [col0, col0 + cols)} of image and group {@code imageGroup} (image * group + group
     * index): gather, multiply, finish. On this thread when {@code execution} is null, else split over it.
     */
    private static void product(CpuExecution execution, ConvKernel.Geometry g, Window win, float[] x, float[] w, float[] y,
                                ConvEpilogue epilogue, int imageGroup, int col0, int cols) {
        int k = g.cg() * g.taps();
        int hw = g.outSize();
        int width = SimdGemm.panelWidth();
        int image = imageGroup / g.group();
        int grp = imageGroup % g.group();
        int xOff = (image * g.c() + grp * g.cg()) * g.inSize();
        int yOff = (image * g.m() + grp * g.mg()) * hw;
        PackedPanels panels = takePanels(k, cols, width);
        try {
            finish(execution, g, win, x, w, y, epilogue, panels, xOff, yOff, grp, col0);
        } finally {
            PANELS.get().put(key(k, cols), panels);
        }
    }

    private static void finish(CpuExecution execution, ConvKernel.Geometry g, Window win, float[] x, float[] w, float[] y,
                               ConvEpilogue epilogue, PackedPanels panels, int xOff, int yOff, int grp, int col0) {
        int k = panels.k();
        int hw = g.outSize();
        int width = panels.width();
        if (execution == null) {
            Im2Panels.gather(x, xOff, g.cg(), win, col0, panels, 0, panels.panels());
        } else {
            execution.parallelFor(panels.panels(), (long) k * width,
                    (p0, p1) -> Im2Panels.gather(x, xOff, g.cg(), win, col0, panels, p0, p1));
        }
        int channel0 = grp * g.mg();
        Blas.Epilogue rows = epilogue.isEmpty() ? null : (c, off, row, from, len) -> epilogue.apply(c, off, channel0 + row, len);
        SimdGemm.multiply(execution, w, grp * g.mg() * k, k, g.mg(), panels, y, yOff + col0, hw, rows);
    }

    /** This thread's panels of that shape, out of the cache while in use (so a nested use gets others). */
    private static PackedPanels takePanels(int k, int n, int width) {
        PackedPanels p = PANELS.get().remove(key(k, n));
        return p != null ? p : PackedPanels.allocate(k, n, width);
    }

    private static long key(int k, int n) {
        return ((long) k << 32) | n;
    }
}
