package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.simd.SimdConvRows;
import dev.kiln.backend.cpu.simd.SimdTapGemm;

/**
 * Float Conv (1-D or 2-D, any kernel, strides, pads and dilations) without im2col, on {@link SimdTapGemm}. Each
 * image's input channels are copied once into zero-padded planes split by stride phase: with strides s1, s2, phase
 * (a, b) of a channel is the plane {@code P[i][j] = xpad[s1 * i + a][s2 * j + b]} of {@code Hq x Wq} (the padded
 * size divided by the stride, rounded up). Output position (oh, ow), tap (t1, t2) reads xpad at
 * {@code (s1 * oh + t1 * d1, s2 * ow + t2 * d2)}, which is phase {@code (t1 * d1 % s1, t2 * d2 % s2)} at
 * {@code (oh + t1 * d1 / s1, ow + t2 * d2 / s2)}: a fixed shift of one phase plane. So on the grid of positions
 * {@code oh * Wq + ow} the convolution is a GEMM whose operand rows are windows of the phase planes. The grid's last
 * {@code Wq - Wo} columns of each row are computed and dropped (2 of 58 at 56x56 stride 1, 1 of 29 at stride 2, 2
 * of 9 at 7x7); the epilogue of each finished piece copies the valid positions into Y and applies bias, residual and
 * activation there, while the piece is in cache.
 *
 * <p>Refers to {@link SimdTapGemm}: only reach this class after {@code Simd.enabled()} returned true. Per-thread
 * scratch (the phase planes and the grid output of the calling thread); safe to use from several threads.
 */
final class SimdTapConv {
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private SimdTapConv() {
    }

    /**
     * Whether this path takes the window: at most two spatial axes whose last tap of the last output stays inside
     * the padded input, more than one tap (a 1x1 window's gather is a plain copy: {@link SimdConv} measured faster
     * on ResNet's strided 1x1 shortcuts), and an output row at least half of the grid row (else the dropped columns
     * cost more than im2col saves). {@link #convolve} itself is right for any window that fits.
     */
    static boolean applies(Window win) {
        if (win.rank() > 2 || win.kernelSize() == 1) {
            return false;
        }
        Window.Axis a1 = win.axis3(1);
        Window.Axis a2 = win.axis3(2);
        return fits(a1) && fits(a2) && 2 * a2.out() >= phaseSize(a2);
    }

    private static boolean fits(Window.Axis a) {
        return a.out() > 0 && (long) (a.out() - 1) * a.stride() + (long) a.dilation() * (a.kernel() - 1) < padded(a);
    }

    /**
     * Y = conv(x, w) then {@code epilogue}, into y (the previous contents are ignored); the window must fit as
     * {@link #applies} checks (its tap count aside).
     */
    static void convolve(ConvKernel.Geometry g, Window win, float[] x, float[] w, float[] y, ConvEpilogue epilogue,
                         CpuExecution execution) {
        Window.Axis a1 = win.axis3(1);
        Window.Axis a2 = win.axis3(2);
        int hq = phaseSize(a1);
        int wq = phaseSize(a2);
        int phases = a1.stride() * a2.stride();
        int channelSize = phases * hq * wq;
        int ho = a1.out();
        int wo = a2.out();
        int k = g.cg() * g.taps();
        boolean[] used = new boolean[phases];
        int[] taps = new int[k];
        for (int ch = 0, t = 0; ch < g.cg(); ch++) {
            for (int t1 = 0; t1 < a1.kernel(); t1++) {
                for (int t2 = 0; t2 < a2.kernel(); t2++) {
                    int r = t1 * a1.dilation();
                    int c = t2 * a2.dilation();
                    int phase = r % a1.stride() * a2.stride() + c % a2.stride();
                    used[phase] = true;
                    taps[t++] = ch * channelSize + phase * hq * wq + r / a1.stride() * wq + c / a2.stride();
                }
            }
        }
        int cols = (ho - 1) * wq + wo;
        int ldc = SimdTapGemm.paddedColumns(cols);
        // out of the thread's cache while in use: a conv this thread runs while it waits for its tasks gets others
        float[][] scratch = SCRATCH.get();
        SCRATCH.remove();
        try {
            // the last channel's planes, or the widest tap's window over the grid if that reaches further
            int widest = java.util.Arrays.stream(taps).max().getAsInt();
            float[] xp = Scratch.grow(scratch, 0, Math.max(g.cg() * channelSize, widest + ldc));
            float[] grid = Scratch.grow(scratch, 1, g.mg() * ldc);
            run(g, a1, a2, used, taps, x, w, y, epilogue, execution, xp, grid, ldc);
        } finally {
            SCRATCH.set(scratch);
        }
    }

    /** Per image and group: the input into phase planes xp, the product into grid (ldc wide), the valid part to y. */
    private static void run(ConvKernel.Geometry g, Window.Axis a1, Window.Axis a2, boolean[] used, int[] taps, float[] x,
                            float[] w, float[] y, ConvEpilogue epilogue, CpuExecution execution, float[] xp, float[] grid,
                            int ldc) {
        int hq = phaseSize(a1);
        int wq = phaseSize(a2);
        int channelSize = a1.stride() * a2.stride() * hq * wq;
        int ho = a1.out();
        int wo = a2.out();
        int k = taps.length;
        int cols = (ho - 1) * wq + wo;
        for (int image = 0; image < g.n(); image++) {
            for (int grp = 0; grp < g.group(); grp++) {
                int xOff = (image * g.c() + grp * g.cg()) * g.inSize();
                int yOff = (image * g.m() + grp * g.mg()) * g.outSize();
                int channel0 = grp * g.mg();
                // a copy, split over the threads from a few thousand floats on: the caller takes chunks at once, a
                // spinning worker joins within a microsecond, and a parked one is woken for the product that follows
                // (a serial copy of ResNet's 64 x 58 x 58 floats was long enough for the workers to park)
                execution.parallelFor(g.cg(), Math.max(1, channelSize),
                        (c0, c1) -> split(x, xOff, a1, a2, used, xp, c0, c1));
                Blas.Epilogue copyOut = (c, off, row, col0, len) ->
                        copyOut(c, off, col0, len, y, yOff + row * ho * wo, wq, wo, epilogue, channel0 + row);
                SimdTapGemm.multiply(execution, w, grp * g.mg() * k, k, g.mg(), taps, xp, 0, cols, grid, ldc, copyOut);
            }
        }
    }

    /**
     * The valid positions of grid piece {@code c[off, off + len)} (grid columns from col0, rows wq wide of which the
     * first wo are valid) into the output plane at yPlane, with the epilogue of {@code channel}: a bias, residual and
     * Relu epilogue in one vector pass per row, any other activation after a copy.
     */
    private static void copyOut(float[] c, int off, int col0, int len, float[] y, int yPlane, int wq, int wo,
                                ConvEpilogue epilogue, int channel) {
        boolean fused = !epilogue.isEmpty() && (epilogue.activation() == null || epilogue.relu());
        float bias = epilogue.bias() == null ? 0f : epilogue.bias()[channel];
        int end = col0 + len;
        int oh = col0 / wq;
        for (int q = col0; q < end; oh++) {
            int ow = q - oh * wq;
            int rowEnd = Math.min(end, oh * wq + wq);
            if (ow < wo) {
                int run = Math.min(rowEnd, oh * wq + wo) - q;
                int dst = yPlane + oh * wo + ow;
                int src = off + q - col0;
                if (fused) {
                    SimdConvRows.finish(c, src, y, dst, run, bias, epilogue.residual(), dst, epilogue.relu());
                } else {
                    System.arraycopy(c, src, y, dst, run);
                    if (!epilogue.isEmpty()) {
                        epilogue.apply(y, dst, channel, run);
                    }
                }
            }
            q = rowEnd;
        }
    }

    /** Channels {@code [c0, c1)} of the image's input into the used phase planes of xp (zero in the padding). */
    private static void split(float[] x, int xOff, Window.Axis a1, Window.Axis a2, boolean[] used, float[] xp, int c0, int c1) {
        int hq = phaseSize(a1);
        int wq = phaseSize(a2);
        int s1 = a1.stride();
        int s2 = a2.stride();
        int in1 = a1.in();
        int in2 = a2.in();
        for (int ch = c0; ch < c1; ch++) {
            int src = xOff + ch * in1 * in2;
            for (int pa = 0; pa < s1; pa++) {
                for (int pb = 0; pb < s2; pb++) {
                    if (!used[pa * s2 + pb]) {
                        continue;
                    }
                    int dst = ((ch * s1 + pa) * s2 + pb) * hq * wq;
                    // input columns of this phase: j with s2 * j + pb - padBegin in [0, in2)
                    int j0 = Math.min(wq, Math.max(0, ceilDiv(a2.padBegin() - pb, s2)));
                    int j1 = Math.max(j0, Math.min(wq, ceilDiv(in2 + a2.padBegin() - pb, s2)));
                    int col0 = s2 * j0 + pb - a2.padBegin();
                    for (int i = 0; i < hq; i++) {
                        int d = dst + i * wq;
                        int r = s1 * i + pa - a1.padBegin();
                        if (r < 0 || r >= in1) {
                            java.util.Arrays.fill(xp, d, d + wq, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(xp, d, d + j0, 0f);
                        int rowSrc = src + r * in2 + col0;
                        if (s2 == 1) {
                            System.arraycopy(x, rowSrc, xp, d + j0, j1 - j0);
                        } else {
                            for (int j = j0; j < j1; j++) {
                                xp[d + j] = x[rowSrc + (j - j0) * s2];
                            }
                        }
                        java.util.Arrays.fill(xp, d + j1, d + wq, 0f);
                    }
                }
            }
        }
    }

    /** Rows (or columns) of one phase plane: the padded size divided by the stride, rounded up. */
    private static int phaseSize(Window.Axis a) {
        return (padded(a) + a.stride() - 1) / a.stride();
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static int padded(Window.Axis a) {
        return a.in() + a.padBegin() + a.padEnd();
    }
}
