package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.PackedPanels;
import java.util.Arrays;

/**
 * im2col written straight into {@link PackedPanels} order, the right operand of the SIMD GEMM: the column matrix
 * (row {@code ch * taps + t}, column = output position, as in {@link Im2Col}) is never formed. Panel p covers
 * output positions {@code [p * width, (p + 1) * width)}; for each matrix row it holds those positions' input
 * values (zero in the padding and past the last position). A 1x1 unit-stride window is a plain copy of the input.
 *
 * <p>Panels are filled in parallel, one panel per task (its k x width block is contiguous, so tasks write
 * disjoint memory and stay in cache). Plain Java: loadable without the Vector API.
 */
final class Im2Panels {
    private Im2Panels() {
    }

    /**
     * Fills every panel of {@code panels} (k = channels * taps rows, n = w.outSize() columns) from the
     * {@code channels} input planes of x starting at {@code xOff}.
     */
    static void gather(float[] x, int xOff, int channels, Window w, PackedPanels panels, CpuExecution execution) {
        int k = channels * w.kernelSize();
        if (panels.k() != k || panels.n() != w.outSize()) {
            throw new IllegalArgumentException("panels are " + panels.k() + " x " + panels.n() + "; the window needs " + k + " x "
                    + w.outSize());
        }
        Layout layout = new Layout(w, channels);
        execution.parallelFor(panels.panels(), (long) k * panels.width(), (start, end) -> {
            int[] segments = new int[3 * panels.width()];
            for (int p = start; p < end; p++) {
                fillPanel(x, xOff, layout, panels, p, segments);
            }
        });
    }

    /** The window's three axes and sizes, resolved once per gather. */
    private record Layout(Window.Axis a0, Window.Axis a1, Window.Axis a2, int taps, int inSize, int outSize, int channels) {
        Layout(Window w, int channels) {
            this(w.axis3(0), w.axis3(1), w.axis3(2), w.kernelSize(), w.inSize(), w.outSize(), channels);
        }
    }

    private static void fillPanel(float[] x, int xOff, Layout l, PackedPanels panels, int p, int[] seg) {
        int width = panels.width();
        int first = p * width;
        int last = Math.min(l.outSize, first + width);
        float[] data = panels.data();
        // split the panel's positions into runs along the innermost output axis: (o0 * out1 + o1, first o2, length)
        int runs = 0;
        int out2 = l.a2.out();
        for (int q = first; q < last; runs++) {
            int o2 = q % out2;
            int len = Math.min(last - q, out2 - o2);
            seg[3 * runs] = q / out2;
            seg[3 * runs + 1] = o2;
            seg[3 * runs + 2] = len;
            q += len;
        }
        int cols = last - first;
        int rows = l.channels * l.taps;
        for (int r = 0; r < rows; r++) {
            int t = r % l.taps;
            int t0 = t / (l.a1.kernel() * l.a2.kernel());
            int t1 = t / l.a2.kernel() % l.a1.kernel();
            int t2 = t % l.a2.kernel();
            int lo = l.a2.firstValidOutput(t2);
            int hi = l.a2.endValidOutput(t2);
            int stride = l.a2.stride();
            int base = xOff + (r / l.taps) * l.inSize + l.a2.input(0, t2);
            int dst = panels.offset(p, r);
            for (int s = 0; s < runs; s++) {
                int o01 = seg[3 * s];
                int o2 = seg[3 * s + 1];
                int len = seg[3 * s + 2];
                int i0 = l.a0.input(o01 / l.a1.out(), t0);
                int i1 = l.a1.input(o01 % l.a1.out(), t1);
                int from = Math.max(o2, lo);
                int to = Math.min(o2 + len, hi);
                if (i0 < 0 || i0 >= l.a0.in() || i1 < 0 || i1 >= l.a1.in() || from >= to) {
                    Arrays.fill(data, dst, dst + len, 0f);
                } else {
                    Arrays.fill(data, dst, dst + from - o2, 0f);
                    Arrays.fill(data, dst + to - o2, dst + len, 0f);
                    int src = base + (i0 * l.a1.in() + i1) * l.a2.in();
                    int d = dst + from - o2;
                    if (stride == 1) {
                        System.arraycopy(x, src + from, data, d, to - from);
                    } else {
                        copyStrided(x, src + from * stride, stride, data, d, to - from);
                    }
                }
                dst += len;
            }
            // columns past the last output position stay zero: the GEMM multiplies them too
            Arrays.fill(data, dst, dst + width - cols, 0f);
        }
    }

    private static void copyStrided(float[] x, int src, int stride, float[] dst, int d, int len) {
        for (int i = 0; i < len; i++) {
            dst[d + i] = x[src + i * stride];
        }
    }
}
