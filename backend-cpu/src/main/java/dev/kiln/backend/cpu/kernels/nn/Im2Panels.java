package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.simd.PackedPanels;

/**
 * im2col written straight into {@link PackedPanels} order, the right operand of the SIMD GEMM: the column matrix
 * (row {@code ch * taps + t}, column = output position, as in {@link Im2Col}) is never formed. Panel p covers
 * output positions {@code [p * width, (p + 1) * width)}; for each matrix row it holds those positions' input
 * values (zero in the padding and past the last position). A 1x1 unit-stride window is a plain copy of the input.
 *
 * <p>Fills a chunk of the matrix's columns, or some panels of it, at a time on the calling thread: callers run
 * chunks in parallel, each into its own panels, or split one chunk's panels. Plain Java: loadable without the Vector API.
 */
final class Im2Panels {
    private Im2Panels() {
    }

    /**
     * Fills every panel of {@code panels} (k = channels * taps rows, n columns) with the column-matrix columns
     * {@code [col0, col0 + n)} (output positions) of the {@code channels} input planes of x starting at {@code xOff},
     * on the calling thread; columns past the last output position are zero. Fills panels {@code [p0, p1)} only, so
     * that callers may split one matrix over threads.
     */
    static void gather(float[] x, int xOff, int channels, Window w, int col0, PackedPanels panels, int p0, int p1) {
        int k = channels * w.kernelSize();
        if (panels.k() != k || col0 < 0 || col0 >= w.outSize()) {
            throw new IllegalArgumentException("panels of " + panels.k() + " x " + panels.n() + " from column " + col0
                    + " do not fit a column matrix of " + k + " x " + w.outSize());
        }
        Layout layout = new Layout(w, channels);
        int[] segments = new int[4 * panels.width()];
        for (int p = p0; p < p1; p++) {
            fillPanel(x, xOff, layout, panels, p, col0, segments);
        }
    }

    /**
     * The window's three axes and, per tap of the innermost axis, its first and end valid output and input offset,
     * resolved once per gather so that filling a panel needs no division per matrix row.
     */
    private record Layout(Window.Axis a0, Window.Axis a1, Window.Axis a2, int inSize, int outSize, int channels, int[] lo2,
                          int[] hi2, int[] in2) {
        Layout(Window w, int channels) {
            this(w.axis3(0), w.axis3(1), w.axis3(2), w.inSize(), w.outSize(), channels, new int[w.axis3(2).kernel()],
                    new int[w.axis3(2).kernel()], new int[w.axis3(2).kernel()]);
            for (int t2 = 0; t2 < a2.kernel(); t2++) {
                lo2[t2] = a2.firstValidOutput(t2);
                hi2[t2] = a2.endValidOutput(t2);
                in2[t2] = a2.input(0, t2);
            }
        }
    }

    /**
     * Fills panel p. Its positions split into runs along the innermost output axis; {@code seg} receives, per run,
     * the first o0, o1 and o2 and the run's length.
     */
    private static void fillPanel(float[] x, int xOff, Layout l, PackedPanels panels, int p, int col0, int[] seg) {
        int width = panels.width();
        int first = col0 + p * width;
        int last = Math.max(first, Math.min(Math.min(col0 + panels.n(), l.outSize), first + width));
        float[] data = panels.data();
        int runs = 0;
        int out2 = l.a2.out();
        for (int q = first; q < last; runs++) {
            int o2 = q % out2;
            int len = Math.min(last - q, out2 - o2);
            int o01 = q / out2;
            seg[4 * runs] = o01 / l.a1.out();
            seg[4 * runs + 1] = o01 % l.a1.out();
            seg[4 * runs + 2] = o2;
            seg[4 * runs + 3] = len;
            q += len;
        }
        int tail = width - (last - first);
        int stride = l.a2.stride();
        int in1 = l.a1.in();
        int in2 = l.a2.in();
        int dst = panels.offset(p, 0);
        for (int ch = 0; ch < l.channels; ch++) {
            int chBase = xOff + ch * l.inSize;
            for (int t0 = 0; t0 < l.a0.kernel(); t0++) {
                for (int t1 = 0; t1 < l.a1.kernel(); t1++) {
                    for (int t2 = 0; t2 < l.a2.kernel(); t2++) {
                        int lo = l.lo2[t2];
                        int hi = l.hi2[t2];
                        int base = chBase + l.in2[t2];
                        for (int s = 0; s < runs; s++) {
                            int i0 = l.a0.input(seg[4 * s], t0);
                            int i1 = l.a1.input(seg[4 * s + 1], t1);
                            int o2 = seg[4 * s + 2];
                            int len = seg[4 * s + 3];
                            int from = Math.max(o2, lo);
                            int to = Math.min(o2 + len, hi);
                            if (i0 < 0 || i0 >= l.a0.in() || i1 < 0 || i1 >= in1 || from >= to) {
                                zero(data, dst, len);
                            } else {
                                zero(data, dst, from - o2);
                                int src = base + (i0 * in1 + i1) * in2 + from * stride;
                                int d = dst + from - o2;
                                if (stride == 1) {
                                    System.arraycopy(x, src, data, d, to - from);
                                } else {
                                    copyStrided(x, src, stride, data, d, to - from);
                                }
                                zero(data, d + to - from, o2 + len - to);
                            }
                            dst += len;
                        }
                        // columns past the last output position stay zero: the GEMM multiplies them too
                        zero(data, dst, tail);
                        dst += tail;
                    }
                }
            }
        }
    }

    // short runs (a panel is a few dozen floats): a plain loop beats the fixed cost of Arrays.fill
    private static void zero(float[] data, int from, int len) {
        for (int i = 0; i < len; i++) {
            data[from + i] = 0f;
        }
    }

    private static void copyStrided(float[] x, int src, int stride, float[] dst, int d, int len) {
        for (int i = 0; i < len; i++) {
            dst[d + i] = x[src + i * stride];
        }
    }
}
