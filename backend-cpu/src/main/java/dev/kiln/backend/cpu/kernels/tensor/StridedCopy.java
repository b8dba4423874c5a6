package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * Copies an N-d strided view of one array into an N-d strided view of another: the engine behind
 * Transpose, Slice, Expand, Concat, Split and the space/depth rearrangements. Dimensions are first
 * coalesced, so a view that is contiguous underneath becomes one block copy; a transpose whose
 * innermost source and destination axes differ is copied in cache-sized tiles. Work is split over the
 * backend's threads when large. Thread-safe.
 */
public final class StridedCopy {
    private static final int TILE = 32;

    private StridedCopy() {
    }

    /**
     * For every multi-index {@code i} over {@code dims}:
     * {@code dst[dstOff + sum(i[k]*dstStrides[k])] = src[srcOff + sum(i[k]*srcStrides[k])]}. Strides count
     * array slots and may be zero (broadcast) or negative (reversed); distinct indices must reach
     * distinct destination slots.
     */
    public static void copy(Object src, int srcOff, int[] srcStrides, Object dst, int dstOff, int[] dstStrides, int[] dims,
                            CpuExecution exec) {
        int rank = dims.length;
        int[] d = new int[rank];
        int[] s = new int[rank];
        int[] t = new int[rank];
        int m = 0;
        for (int k = 0; k < rank; k++) {
            if (dims[k] == 0) {
                return;
            }
            if (dims[k] == 1) {
                continue;
            }
            if (m > 0 && s[m - 1] == srcStrides[k] * dims[k] && t[m - 1] == dstStrides[k] * dims[k]) {
                d[m - 1] *= dims[k];
                s[m - 1] = srcStrides[k];
                t[m - 1] = dstStrides[k];
            } else {
                d[m] = dims[k];
                s[m] = srcStrides[k];
                t[m] = dstStrides[k];
                m++;
            }
        }
        if (m == 0) {
            Elements.copy(src, srcOff, dst, dstOff, 1);
            return;
        }
        d = Arrays.copyOf(d, m);
        s = Arrays.copyOf(s, m);
        t = Arrays.copyOf(t, m);
        int last = m - 1;
        int tileAxis = -1;
        if (t[last] == 1 && s[last] != 1 && d[last] >= TILE / 4) {
            for (int k = 0; k < last; k++) {
                if (s[k] == 1 && d[k] >= TILE / 4) {
                    tileAxis = k;
                }
            }
        }
        if (tileAxis < 0) {
            rows(src, srcOff, s, dst, dstOff, t, d, exec);
        } else {
            tiles(src, srcOff, s, dst, dstOff, t, d, tileAxis, exec);
        }
    }

    /** Copies a contiguous source into a view of the destination, or a view of the source into a contiguous destination. */
    public static void copy(Object src, int srcOff, int[] srcStrides, Object dst, int dstOff, int[] dims, CpuExecution exec) {
        copy(src, srcOff, srcStrides, dst, dstOff, contiguousStrides(dims), dims, exec);
    }

    /** Row-major strides of a contiguous array of the given dimensions. */
    public static int[] contiguousStrides(int[] dims) {
        int[] st = new int[dims.length];
        int acc = 1;
        for (int k = dims.length - 1; k >= 0; k--) {
            st[k] = acc;
            acc *= dims[k];
        }
        return st;
    }

    /** One innermost row per work item: a block copy when both sides are contiguous, else a strided loop. */
    private static void rows(Object src, int srcOff, int[] s, Object dst, int dstOff, int[] t, int[] d, CpuExecution exec) {
        int last = d.length - 1;
        int len = d[last];
        int ss = s[last];
        int ts = t[last];
        int[] od = Arrays.copyOf(d, last);
        int[] os = Arrays.copyOf(s, last);
        int[] ot = Arrays.copyOf(t, last);
        int outer = 1;
        for (int x : od) {
            outer *= x;
        }
        exec.parallelFor(outer, Elements.copyCost(len), (start, end) -> {
            Odometer o = new Odometer(od, os, srcOff, ot, dstOff, start);
            for (int r = start; r < end; r++) {
                Elements.strided(src, o.a(), ss, dst, o.b(), ts, len);
                o.next();
            }
        });
    }

    /**
     * Transposes in TILE x TILE blocks over the axis contiguous in the source ({@code k}) and the one
     * contiguous in the destination (the last), so both sides stay in cache.
     */
    private static void tiles(Object src, int srcOff, int[] s, Object dst, int dstOff, int[] t, int[] d, int k,
                              CpuExecution exec) {
        int last = d.length - 1;
        int rowsK = d[k];
        int cols = d[last];
        int srcColStride = s[last];
        int dstRowStride = t[k];
        int outerRank = d.length - 2;
        int[] od = new int[outerRank];
        int[] os = new int[outerRank];
        int[] ot = new int[outerRank];
        for (int i = 0, j = 0; i < last; i++) {
            if (i != k) {
                od[j] = d[i];
                os[j] = s[i];
                ot[j] = t[i];
                j++;
            }
        }
        int outer = 1;
        for (int x : od) {
            outer *= x;
        }
        int blocks = (rowsK + TILE - 1) / TILE;
        exec.parallelFor(outer * blocks, Elements.copyCost(4L * TILE * cols), (start, end) -> {
            Odometer o = new Odometer(od, os, srcOff, ot, dstOff, start / blocks);
            int current = start / blocks;
            for (int item = start; item < end; item++) {
                int slab = item / blocks;
                while (current < slab) {
                    o.next();
                    current++;
                }
                int i0 = (item % blocks) * TILE;
                int i1 = Math.min(rowsK, i0 + TILE);
                for (int j0 = 0; j0 < cols; j0 += TILE) {
                    Elements.transposeTile(src, o.a() + i0 + j0 * srcColStride, srcColStride, dst, o.b() + i0 * dstRowStride + j0,
                            dstRowStride, i1 - i0, Math.min(TILE, cols - j0));
                }
            }
        });
    }
}
