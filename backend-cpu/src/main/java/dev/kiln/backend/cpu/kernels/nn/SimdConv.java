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
 * <p>The output positions are cut into chunks of whole panels sized so that a chunk's panels (K x chunk floats)
 * stay in the core's L2 cache; each task gathers one chunk into its thread's own panels and multiplies it right
 * away on its own thread, so the gather is parallel and the GEMM reads panels that were just written, never a
 * whole column matrix from memory. Every product runs in the GEMM's full register tiles: a partial last panel is
 * padded with zero columns (its result goes through a scratch block) and rows past the last whole six-row tile
 * are computed by a second, overlapping six-row product.
 *
 * <p>Refers to {@link SimdGemm}: only reach this class after {@code Simd.enabled()} returned true. Stateless
 * apart from per-thread panel buffers; safe to use from several threads.
 */
final class SimdConv {
    /** Bytes of panels per chunk: about half of a 1-2 MiB L2, leaving room for the weights' row block. */
    private static final int CHUNK_BYTES = 256 * 1024;
    /** Per thread, panels by (k, n): a network reuses a handful of shapes. */
    private static final ThreadLocal<Map<Long, PackedPanels>> PANELS = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    /** Rows of SimdGemm's register tile; rows past a multiple of it take a much slower one-row path. */
    private static final int TILE_ROWS = 6;

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
        execution.parallelFor(tasks, 2L * g.mg() * k * chunk, (start, end) -> {
            for (int task = start; task < end; task++) {
                int image = task / (g.group() * chunks);
                int grp = task / chunks % g.group();
                int col0 = task % chunks * chunk;
                int cols = Math.min(chunk, hw - col0);
                int xOff = (image * g.c() + grp * g.cg()) * g.inSize();
                int yOff = (image * g.m() + grp * g.mg()) * hw;
                int padded = (cols + width - 1) / width * width;
                PackedPanels panels = panels(k, padded, width);
                Im2Panels.gather(x, xOff, g.cg(), win, col0, panels);
                int wOff = grp * g.mg() * k;
                int channel0 = grp * g.mg();
                if (padded == cols) {
                    Blas.Epilogue rows = epilogue.isEmpty() ? null
                            : (c, off, row, from, len) -> epilogue.apply(c, off, channel0 + row, len);
                    multiply(w, wOff, k, g.mg(), panels, y, yOff + col0, hw, rows);
                } else {
                    // a partial last panel would run the GEMM's slow edge path on every row: multiply whole panels
                    // into a scratch block and copy the real columns out, finishing them on the way
                    float[] block = scratch(g.mg() * padded);
                    multiply(w, wOff, k, g.mg(), panels, block, 0, padded, null);
                    for (int r = 0; r < g.mg(); r++) {
                        int dst = yOff + r * hw + col0;
                        System.arraycopy(block, r * padded, y, dst, cols);
                        epilogue.apply(y, dst, channel0 + r, cols);
                    }
                }
            }
        });
    }

    /**
     * {@code c = a * panels} for m rows of a on this thread. When m is not a multiple of the GEMM's six-row tile,
     * the last six rows go first (finishing only the rows past the last whole tile) and the whole tiles after, so
     * every row runs in a full tile instead of the one-row edge path; the two rows sets overlap, and the second
     * product rewrites the overlap with its own finished values.
     */
    private static void multiply(float[] a, int aOff, int lda, int m, PackedPanels panels, float[] c, int cOff, int ldc,
                                 Blas.Epilogue epilogue) {
        int rest = m % TILE_ROWS;
        if (m < TILE_ROWS || rest == 0) {
            SimdGemm.multiply(null, a, aOff, lda, m, panels, c, cOff, ldc, epilogue);
            return;
        }
        int whole = m - rest;
        int first = m - TILE_ROWS;
        Blas.Epilogue tail = epilogue == null ? null : (cc, off, row, col0, cols) -> {
            if (first + row >= whole) {
                epilogue.apply(cc, off, first + row, col0, cols);
            }
        };
        SimdGemm.multiply(null, a, aOff + first * lda, lda, TILE_ROWS, panels, c, cOff + first * ldc, ldc, tail);
        SimdGemm.multiply(null, a, aOff, lda, whole, panels, c, cOff, ldc, epilogue);
    }

    private static float[] scratch(int size) {
        float[] s = SCRATCH.get();
        if (s.length < size) {
            s = new float[size];
            SCRATCH.set(s);
        }
        return s;
    }

    private static PackedPanels panels(int k, int n, int width) {
        return PANELS.get().computeIfAbsent(((long) k << 32) | n, key -> PackedPanels.allocate(k, n, width));
    }
}
