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
     * Most tiles: beyond this the transformed input and the 16 products (16 * (c + m) * tiles floats) leave
     * the caches, and the transforms, bound by memory traffic, cost more than the multiplications saved.
     */
    static final int MAX_TILES = 256;

    /**
     * True when {@code w} (a 2-D window) is one this class computes (3x3 taps, unit strides and dilations)
     * and, for a batch of {@code n}, one where it was measured faster than im2col + GEMM.
     */
    static boolean supports(Window w, int n) {
        if (w.rank() != 2) {
            return false;
        }
        long tiles = (long) n * ((w.out[0] + 1) / 2) * ((w.out[1] + 1) / 2);
        if (tiles < MIN_TILES || tiles > MAX_TILES) {
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
        int outH = win.out[0];
        int outW = win.out[1];
        int tilesH = (outH + 1) / 2;
        int tilesW = (outW + 1) / 2;
        int tiles = tilesH * tilesW;
        int cols = g.n() * tiles;
        if (cols == 0 || g.m() == 0) {
            return;
        }
        int c = g.c();
        int m = g.m();
        Blas.NativeFloats v = Blas.scratch(POINTS * c * cols);
        transformInput(g, win, x, tilesH, tilesW, v.buffer(), execution);
        float[] products = Scratch.floats(POINTS * m * cols);
        execution.parallelFor(POINTS, (long) m * c * cols, (from, to) -> {
            for (int p = from; p < to; p++) {
                Blas.Floats a = packedU != null ? Blas.Floats.of(packedU, p * m * c, c) : Blas.Floats.of(u, p * m * c, c);
                Blas.sgemm(null, false, false, m, cols, c, 1f, a, Blas.Floats.of(v, p * c * cols, cols), products,
                        p * m * cols, cols);
            }
        });
        transformOutput(g, outH, outW, tilesW, tiles, products, y, execution);
    }

    /**
     * V = B^T d B for every channel and tile, written as 16 matrices of c rows by n * tiles columns. Each
     * channel plane is first copied into a zero-bordered plane covering all tiles, split into its even and
     * odd columns: tile tx then reads columns tx and tx + 1 of each half, so every transform step is a plain
     * loop over a row of tiles that the JIT vectorizes.
     */
    private static void transformInput(ConvKernel.Geometry g, Window win, float[] x, int tilesH, int tilesW, FloatBuffer v,
                                       CpuExecution execution) {
        int inH = win.in[0];
        int inW = win.in[1];
        int padTop = win.padBegin[0];
        int padLeft = win.padBegin[1];
        int rows = 2 * tilesH + 2;
        int half = tilesW + 1;
        int tiles = tilesH * tilesW;
        int cols = g.n() * tiles;
        int c = g.c();
        int usedRows = Math.min(inH, rows - padTop);
        int usedCols = Math.min(inW, 2 * half - padLeft);
        execution.parallelFor(g.n() * c, (long) POINTS * 4 * tiles, (from, to) -> {
            float[] even = new float[rows * half];
            float[] odd = new float[rows * half];
            float[] t = new float[8 * half];
            float[] out = new float[POINTS * tiles];
            for (int task = from; task < to; task++) {
                java.util.Arrays.fill(even, 0f);
                java.util.Arrays.fill(odd, 0f);
                int src = task * g.inSize();
                for (int i = 0; i < usedRows; i++) {
                    int row = (i + padTop) * half;
                    int in = src + i * inW;
                    // input column j lands in padded column j + padLeft: alternately an even and an odd one
                    int first = padLeft % 2;
                    for (int j = first; j < usedCols; j += 2) {
                        even[row + (j + padLeft) / 2] = x[in + j];
                    }
                    for (int j = 1 - first; j < usedCols; j += 2) {
                        odd[row + (j + padLeft) / 2] = x[in + j];
                    }
                }
                for (int ty = 0; ty < tilesH; ty++) {
                    rowTransform(even, 2 * ty * half, half, t, 0);
                    rowTransform(odd, 2 * ty * half, half, t, 4 * half);
                    int o = ty * tilesW;
                    for (int i = 0; i < 4; i++) {
                        int e = i * half;
                        int d = (4 + i) * half;
                        int p = 4 * i * tiles + o;
                        for (int tx = 0; tx < tilesW; tx++) {
                            out[p + tx] = t[e + tx] - t[e + tx + 1];
                        }
                        p += tiles;
                        for (int tx = 0; tx < tilesW; tx++) {
                            out[p + tx] = t[d + tx] + t[e + tx + 1];
                        }
                        p += tiles;
                        for (int tx = 0; tx < tilesW; tx++) {
                            out[p + tx] = t[e + tx + 1] - t[d + tx];
                        }
                        p += tiles;
                        for (int tx = 0; tx < tilesW; tx++) {
                            out[p + tx] = t[d + tx] - t[d + tx + 1];
                        }
                    }
                }
                int img = task / c;
                int ch = task % c;
                for (int p = 0; p < POINTS; p++) {
                    v.put((p * c + ch) * cols + img * tiles, out, p * tiles, tiles);
                }
            }
        });
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
     * Y = A^T M A per tile and output channel, one row of tiles at a time (a vectorizable loop over the
     * tiles, then the 2x2 blocks interleaved into the output rows), clipped at the bottom and right edges.
     */
    private static void transformOutput(ConvKernel.Geometry g, int outH, int outW, int tilesW, int tiles, float[] products,
                                        float[] y, CpuExecution execution) {
        int m = g.m();
        int cols = g.n() * tiles;
        int s = m * cols;
        int tilesH = tiles / tilesW;
        execution.parallelFor(g.n() * m, (long) POINTS * 2 * tiles, (from, to) -> {
            float[] r = new float[4 * tilesW];
            for (int task = from; task < to; task++) {
                int img = task / m;
                int oc = task % m;
                int yBase = task * outH * outW;
                for (int ty = 0; ty < tilesH; ty++) {
                    int a = oc * cols + img * tiles + ty * tilesW;
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
                    interleave(r, 0, tilesW, y, yBase + oy * outW, outW);
                    if (oy + 1 < outH) {
                        interleave(r, 2 * tilesW, tilesW, y, yBase + (oy + 1) * outW, outW);
                    }
                }
            }
        });
    }

    /** One output row from its even columns {@code r[at..]} and odd columns {@code r[at + n..]}. */
    private static void interleave(float[] r, int at, int n, float[] y, int yOff, int width) {
        for (int j = 0; j < width; j++) {
            y[yOff + j] = r[at + (j & 1) * n + (j >> 1)];
        }
    }
}
