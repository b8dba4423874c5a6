package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import java.nio.FloatBuffer;

/**
 * Float 2-D 3x3 convolution with unit strides and dilations and one group, by Winograd's minimal filtering
 * F(2x2, 3x3): each 2x2 block of outputs (a tile) comes from a 4x4 input patch, and the 9 * 4 multiply-adds
 * per channel pair and tile become 16 element-wise products of transformed patches and transformed weights.
 * Summed over input channels those products are 16 independent GEMMs, [M x C] x [C x tiles], which OpenBLAS
 * runs at full speed; the multiply count drops 2.25-fold against im2col + GEMM.
 *
 * <p>With the transforms {@code V = B^T d B} (input patch d), {@code U = G g G^T} (weights g) and
 * {@code Y = A^T (U .* V) A}:
 * B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
 * A^T = [1 1 1 0; 0 1 -1 -1]. All coefficients are 0, +-1 or +-1/2, so F(2x2, 3x3) loses no accuracy that
 * matters in float32 (larger tiles would).
 *
 * <p>Weights are transformed once ({@link #transformWeights}, in double) and kept by the kernel, packed into
 * native memory when they are a constant. Threading: the input transform is split over channels, the 16
 * GEMMs over the backend's threads (one whole GEMM per task, so threads share no operands), the output
 * transform over output channel planes. Stateless; safe from several threads.
 */
final class WinogradConv {
    /** Transformed elements per tile: the 4x4 patch. */
    static final int POINTS = 16;

    private WinogradConv() {
    }

    /** Fewest tiles (over the whole batch) for which the 16 GEMMs are not too thin to run well. */
    static final int MIN_TILES = 32;
    /**
     * Most tiles done as one batch of 16 GEMMs: beyond this the transformed input and the 16 products
     * (16 * (c + m) * tiles floats) leave the caches, so the work goes in blocks of {@link #BLOCK_TILES}.
     */
    static final int MAX_TILES = 256;
    /** Tiles per block when there are more than {@link #MAX_TILES}. */
    static final int BLOCK_TILES = 128;

    /**
     * True when {@code w} (a 2-D window) is one this class computes (3x3 taps, unit strides and dilations)
     * and, for a batch of {@code n}, one where it was measured faster than im2col + GEMM.
     */
    static boolean supports(Window w, int n) {
        if (w.rank() != 2) {
            return false;
        }
        long tiles = (long) n * ((w.out[0] + 1) / 2) * ((w.out[1] + 1) / 2);
        if (tiles < MIN_TILES) {
            return false;
        }
        for (int i = 0; i < 2; i++) {
            if (w.kernel[i] != 3 || w.strides[i] != 1 || w.dilations[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * U = G g G^T for every (output channel, input channel) pair of {@code w} (M x C x 3 x 3), laid out as 16
     * matrices of M rows by C columns: element {@code (p * m + oc) * c + ic} holds point p of that pair.
     */
    static float[] transformWeights(float[] w, int m, int c) {
        float[] u = new float[POINTS * m * c];
        double[] gg = new double[12];
        for (int oc = 0; oc < m; oc++) {
            for (int ic = 0; ic < c; ic++) {
                int src = (oc * c + ic) * 9;
                // G g: 4 rows of 3
                for (int j = 0; j < 3; j++) {
                    double g0 = w[src + j];
                    double g1 = w[src + 3 + j];
                    double g2 = w[src + 6 + j];
                    gg[j] = g0;
                    gg[3 + j] = (g0 + g1 + g2) / 2;
                    gg[6 + j] = (g0 - g1 + g2) / 2;
                    gg[9 + j] = g2;
                }
                // (G g) G^T: each row of 3 becomes 4
                for (int i = 0; i < 4; i++) {
                    double g0 = gg[3 * i];
                    double g1 = gg[3 * i + 1];
                    double g2 = gg[3 * i + 2];
                    int p = 4 * i;
                    int plane = m * c;
                    int at = oc * c + ic;
                    u[p * plane + at] = (float) g0;
                    u[(p + 1) * plane + at] = (float) ((g0 + g1 + g2) / 2);
                    u[(p + 2) * plane + at] = (float) ((g0 - g1 + g2) / 2);
                    u[(p + 3) * plane + at] = (float) g2;
                }
            }
        }
        return u;
    }

    /**
     * y (n x m x outH x outW, overwritten) = the convolution of x (n x c x inH x inW) by the weights whose
     * transform is {@code u} (from {@link #transformWeights}; the native copy is used when not null).
     */
    static void convolve(ConvKernel.Geometry g, Window win, float[] x, float[] u, Blas.NativeFloats packedU, float[] y,
                         CpuExecution execution) {
        Layout l = new Layout(g.c(), g.m(), win.in[0], win.in[1], win.padBegin[0], win.padBegin[1], win.out[0], win.out[1],
                (win.out[0] + 1) / 2, (win.out[1] + 1) / 2);
        int tiles = l.tilesH * l.tilesW;
        int cols = g.n() * tiles;
        if (cols == 0 || l.m == 0) {
            return;
        }
        if (cols > MAX_TILES) {
            convolveInBlocks(l, g.n(), x, u, packedU, y, execution);
            return;
        }
        int c = l.c;
        int m = l.m;
        Blas.NativeFloats v = Blas.scratch(POINTS * c * cols);
        FloatBuffer vb = v.buffer();
        execution.parallelFor(g.n() * c, (long) POINTS * 4 * tiles, (from, to) -> {
            // whole runs of channels per call, so its working arrays are made once per range, not per channel
            for (int task = from; task < to; ) {
                int img = task / c;
                int ch1 = Math.min(c, task % c + to - task);
                transformInput(l, x, img, task % c, ch1, 0, l.tilesH, vb, cols, img * tiles);
                task += ch1 - task % c;
            }
        });
        float[] products = Scratch.floats(POINTS * m * cols);
        execution.parallelFor(POINTS, (long) m * c * cols, (from, to) -> {
            for (int p = from; p < to; p++) {
                multiply(p, l, u, packedU, v, products, cols);
            }
        });
        execution.parallelFor(g.n() * m, (long) POINTS * 2 * tiles, (from, to) -> {
            for (int task = from; task < to; ) {
                int img = task / m;
                int oc1 = Math.min(m, task % m + to - task);
                transformOutput(l, products, img, task % m, oc1, 0, l.tilesH, cols, img * tiles, y);
                task += oc1 - task % m;
            }
        });
    }

    /**
     * Many tiles: each task takes a block of about {@link #BLOCK_TILES} tiles (whole tile rows of one image)
     * through all three steps on its own thread-local buffers, so the transformed block and its products stay
     * in the core's cache and threads share nothing but the weights.
     */
    private static void convolveInBlocks(Layout l, int n, float[] x, float[] u, Blas.NativeFloats packedU, float[] y,
                                         CpuExecution execution) {
        int rowsPerBlock = Math.max(1, BLOCK_TILES / l.tilesW);
        int blocks = (l.tilesH + rowsPerBlock - 1) / rowsPerBlock;
        execution.parallelFor(n * blocks, (long) POINTS * l.m * l.c * rowsPerBlock * l.tilesW, (from, to) -> {
            for (int task = from; task < to; task++) {
                int img = task / blocks;
                int ty0 = task % blocks * rowsPerBlock;
                int ty1 = Math.min(l.tilesH, ty0 + rowsPerBlock);
                int width = (ty1 - ty0) * l.tilesW;
                Blas.NativeFloats v = Blas.scratch(POINTS * l.c * width);
                transformInput(l, x, img, 0, l.c, ty0, ty1, v.buffer(), width, 0);
                float[] products = Scratch.floats(POINTS * l.m * width);
                for (int p = 0; p < POINTS; p++) {
                    multiply(p, l, u, packedU, v, products, width);
                }
                transformOutput(l, products, img, 0, l.m, ty0, ty1, width, 0, y);
            }
        });
    }

    /** Products of point p: [m x c] transformed weights times [c x width] transformed input, on this thread. */
    private static void multiply(int p, Layout l, float[] u, Blas.NativeFloats packedU, Blas.NativeFloats v, float[] products,
                                 int width) {
        int mc = l.m * l.c;
        Blas.Floats a = packedU != null ? Blas.Floats.of(packedU, p * mc, l.c) : Blas.Floats.of(u, p * mc, l.c);
        Blas.sgemm(null, false, false, l.m, width, l.c, 1f, a, Blas.Floats.of(v, p * l.c * width, width), products,
                p * l.m * width, width);
    }

    /**
     * V = B^T d B for channels [ch0, ch1) of image img and tile rows [ty0, ty1): point p of channel ch goes to
     * row {@code p * c + ch} of v (rows {@code ld} wide), from column {@code colOff}. Each channel's rows are
     * first copied into a zero-bordered plane split into its even and odd columns: tile tx then reads columns
     * tx and tx + 1 of each half, so every transform step is a plain loop over a row of tiles that the JIT
     * vectorizes.
     */
    private static void transformInput(Layout l, float[] x, int img, int ch0, int ch1, int ty0, int ty1, FloatBuffer v,
                                       int ld, int colOff) {
        int rows = 2 * (ty1 - ty0) + 2;
        int half = l.tilesW + 1;
        int width = (ty1 - ty0) * l.tilesW;
        float[] even = new float[rows * half];
        float[] odd = new float[rows * half];
        float[] t = new float[8 * half];
        float[] out = new float[POINTS * width];
        int usedCols = Math.min(l.inW, 2 * half - l.padLeft);
        int first = l.padLeft % 2;
        for (int ch = ch0; ch < ch1; ch++) {
            java.util.Arrays.fill(even, 0f);
            java.util.Arrays.fill(odd, 0f);
            int src = (img * l.c + ch) * l.inH * l.inW;
            for (int r = 0; r < rows; r++) {
                int i = 2 * ty0 + r - l.padTop;
                if (i < 0 || i >= l.inH) {
                    continue;
                }
                int row = r * half;
                int in = src + i * l.inW;
                // input column j lands in padded column j + padLeft: alternately an even and an odd one
                for (int j = first; j < usedCols; j += 2) {
                    even[row + (j + l.padLeft) / 2] = x[in + j];
                }
                for (int j = 1 - first; j < usedCols; j += 2) {
                    odd[row + (j + l.padLeft) / 2] = x[in + j];
                }
            }
            for (int ty = 0; ty < ty1 - ty0; ty++) {
                rowTransform(even, 2 * ty * half, half, t, 0);
                rowTransform(odd, 2 * ty * half, half, t, 4 * half);
                for (int i = 0; i < 4; i++) {
                    columnTransform(t, i * half, (4 + i) * half, out, 4 * i * width + ty * l.tilesW, width, l.tilesW);
                }
            }
            for (int p = 0; p < POINTS; p++) {
                v.put((p * l.c + ch) * ld + colOff, out, p * width, width);
            }
        }
    }

    /** (B^T d) B along one row: its even columns at t[e..], odd at t[d..]; the 4 points go {@code stride} apart from {@code o}. */
    private static void columnTransform(float[] t, int e, int d, float[] out, int o, int stride, int n) {
        for (int tx = 0; tx < n; tx++) {
            out[o + tx] = t[e + tx] - t[e + tx + 1];
        }
        o += stride;
        for (int tx = 0; tx < n; tx++) {
            out[o + tx] = t[d + tx] + t[e + tx + 1];
        }
        o += stride;
        for (int tx = 0; tx < n; tx++) {
            out[o + tx] = t[e + tx + 1] - t[d + tx];
        }
        o += stride;
        for (int tx = 0; tx < n; tx++) {
            out[o + tx] = t[d + tx] - t[d + tx + 1];
        }
    }

    /** B^T d over four plane rows from {@code at} ({@code len} wide): rows 0-3 of the result into t from {@code tOff}. */
    private static void rowTransform(float[] plane, int at, int len, float[] t, int tOff) {
        int r1 = at + len;
        int r2 = r1 + len;
        int r3 = r2 + len;
        for (int j = 0; j < len; j++) {
            float d1 = plane[r1 + j];
            float d2 = plane[r2 + j];
            t[tOff + j] = plane[at + j] - d2;
            t[tOff + len + j] = d1 + d2;
            t[tOff + 2 * len + j] = d2 - d1;
            t[tOff + 3 * len + j] = d1 - plane[r3 + j];
        }
    }

    /**
     * Y = A^T M A for output channels [oc0, oc1) of image img and tile rows [ty0, ty1), from products laid
     * out as {@link #transformInput} lays out V (rows {@code ld} wide, from column {@code colOff}); one row of
     * tiles at a time (a vectorizable loop over the tiles, then the 2x2 blocks interleaved into the output
     * rows), clipped at the bottom and right edges.
     */
    private static void transformOutput(Layout l, float[] products, int img, int oc0, int oc1, int ty0, int ty1, int ld,
                                        int colOff, float[] y) {
        int tilesW = l.tilesW;
        int s = l.m * ld;
        float[] r = new float[4 * tilesW];
        for (int oc = oc0; oc < oc1; oc++) {
            int yBase = (img * l.m + oc) * l.outH * l.outW;
            for (int ty = ty0; ty < ty1; ty++) {
                int a = oc * ld + colOff + (ty - ty0) * tilesW;
                for (int tx = 0; tx < tilesW; tx++) {
                    int q = a + tx;
                    // A^T M: two rows of 4, then times A
                    float s00 = products[q] + products[q + 4 * s] + products[q + 8 * s];
                    float s01 = products[q + s] + products[q + 5 * s] + products[q + 9 * s];
                    float s02 = products[q + 2 * s] + products[q + 6 * s] + products[q + 10 * s];
                    float s03 = products[q + 3 * s] + products[q + 7 * s] + products[q + 11 * s];
                    float s10 = products[q + 4 * s] - products[q + 8 * s] - products[q + 12 * s];
                    float s11 = products[q + 5 * s] - products[q + 9 * s] - products[q + 13 * s];
                    float s12 = products[q + 6 * s] - products[q + 10 * s] - products[q + 14 * s];
                    float s13 = products[q + 7 * s] - products[q + 11 * s] - products[q + 15 * s];
                    r[tx] = s00 + s01 + s02;
                    r[tilesW + tx] = s01 - s02 - s03;
                    r[2 * tilesW + tx] = s10 + s11 + s12;
                    r[3 * tilesW + tx] = s11 - s12 - s13;
                }
                int oy = 2 * ty;
                interleave(r, 0, tilesW, y, yBase + oy * l.outW, l.outW);
                if (oy + 1 < l.outH) {
                    interleave(r, 2 * tilesW, tilesW, y, yBase + (oy + 1) * l.outW, l.outW);
                }
            }
        }
    }

    /** One output row from its even columns {@code r[at..]} and odd columns {@code r[at + n..]}. */
    private static void interleave(float[] r, int at, int n, float[] y, int yOff, int width) {
        for (int j = 0; j < width; j++) {
            y[yOff + j] = r[at + (j & 1) * n + (j >> 1)];
        }
    }

    /** Sizes of one run: channels in and out, input, begin padding, output and tiles per axis. */
    private record Layout(int c, int m, int inH, int inW, int padTop, int padLeft, int outH, int outW, int tilesH, int tilesW) {
    }
}
