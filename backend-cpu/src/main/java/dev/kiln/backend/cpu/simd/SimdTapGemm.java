package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM whose right operand is never packed: row {@code kk} of it is the window of {@code x} that starts at
 * {@code xOff + taps[kk]}, so {@code c[i, j] = sum_kk a[aOff + i * lda + kk] * x[xOff + taps[kk] + j]}. A stride-1
 * convolution over a zero-padded input plane is such a product (each tap is a fixed shift of the plane), with no
 * im2col at all: the windows of neighbouring taps overlap, so a column block's operand rows come from a few cache
 * lines per input channel.
 *
 * <p>Register tile and blocking as in {@link SimdGemm} (8 rows x 3 vectors, or 6 rows x 4 vectors where that pads
 * the columns less; rows in blocks of at most {@value #MC}, k in blocks of at most {@value #KC}); units of (row
 * block, column group) run on the {@link CpuExecution}, and each
 * runs the epilogue over its finished rows and columns while they are in cache. Products always cover whole tiles of
 * {@link #paddedColumns} columns, so {@code x} must be readable (its values are then ignored) up to
 * {@code xOff + max(taps) + paddedColumns(n)} and c must have room for {@code paddedColumns(n)} columns per row.
 * Each output is summed along k in one chain in tap order, whatever the split: results do not depend on the thread
 * count.
 *
 * <p>Only load after {@link Simd#enabled()} returned true. Safe to call from several threads on disjoint outputs.
 */
public final class SimdTapGemm {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();
    /** The tile of 8 rows x 3 vectors, and the one of 6 rows x 4 vectors for products whose columns it pads less. */
    private static final int NR = 3 * L;
    private static final int MR = 8;
    private static final int NR_WIDE = 4 * L;
    private static final int MR_WIDE = 6;
    static final int MC = 96;
    /** Largest k per block: a column block's window rows (a few cache lines per channel) then stay in L1. */
    static final int KC = 256;
    /** Most columns of one unit of work: its output block stays in L2 until the epilogue has read it. */
    private static final int UNIT_COLUMNS = 384;

    /** Per thread: an output tile and a zero-padded block of a's rows, for tiles with fewer rows than the kernel's. */
    private static final ThreadLocal<float[][]> EDGE =
            ThreadLocal.withInitial(() -> new float[][] {new float[Math.max(MR * NR, MR_WIDE * NR_WIDE)], new float[0]});

    private SimdTapGemm() {
    }

    /**
     * n rounded up to whole tiles: the columns a product of n columns computes (and c must hold per row). The
     * product takes the tile of 4 vectors when that pads n less (61 columns: 64 instead of 96), else that of 3.
     */
    public static int paddedColumns(int n) {
        int narrow = (n + NR - 1) / NR * NR;
        int wide = (n + NR_WIDE - 1) / NR_WIDE * NR_WIDE;
        return wide < narrow ? wide : narrow;
    }

    private static boolean wide(int n) {
        return paddedColumns(n) < (n + NR - 1) / NR * NR;
    }

    /**
     * c (m rows of stride ldc, from offset 0) = a (m x taps.length, row stride lda, from aOff) times the tap
     * windows of x, then {@code epilogue} (not null) on every finished row piece: {@code apply(c, i * ldc + col0, i,
     * col0, cols)} with {@code col0 + cols <= n}. {@code execution} may be null to stay on the calling thread.
     */
    public static void multiply(CpuExecution execution, float[] a, int aOff, int lda, int m, int[] taps, float[] x, int xOff,
                                int n, float[] c, int ldc, Blas.Epilogue epilogue) {
        int k = taps.length;
        int padded = paddedColumns(n);
        if (m == 0 || n == 0) {
            return;
        }
        int maxTap = Integer.MIN_VALUE;
        int minTap = Integer.MAX_VALUE;
        for (int t : taps) {
            maxTap = Math.max(maxTap, t);
            minTap = Math.min(minTap, t);
        }
        if (k == 0 || ldc < padded || (long) (m - 1) * ldc + padded > c.length || xOff + (long) minTap < 0
                || xOff + (long) maxTap + padded > x.length || (long) aOff + (long) (m - 1) * lda + k > a.length) {
            throw new IllegalArgumentException("tap product of " + m + " x " + k + " x " + n + " does not fit its arrays (x "
                    + x.length + " floats from " + xOff + ", taps " + minTap + " to " + maxTap + ", c " + c.length
                    + " floats at stride " + ldc + ")");
        }
        boolean wide = wide(n);
        int mr = wide ? MR_WIDE : MR;
        int nr = wide ? NR_WIDE : NR;
        int threads = execution == null ? 1 : execution.threads();
        int tiles = (m + mr - 1) / mr;
        int blocks = (m + MC - 1) / MC;
        if (blocks > 1 && threads > 1) {
            blocks = Math.min(tiles, (blocks + threads - 1) / threads * threads);
        }
        int panels = padded / nr;
        int spread = (2 * threads + blocks - 1) / blocks;
        int narrow = (padded + UNIT_COLUMNS - 1) / UNIT_COLUMNS;
        int groups = Math.max(1, Math.max(spread, narrow));
        if (threads > 1 && blocks % threads != 0) {
            // units a multiple of the thread count, so that no thread ends with one more than the others
            groups = (groups + threads - 1) / threads * threads;
        }
        int chunks = 4 * threads;
        if (threads > 1 && blocks * groups > chunks) {
            // parallelFor deals the units out in 4 x threads chunks of n * c / chunks: with a unit count that is not a
            // multiple of that, some chunks hold one unit more (56x56: 10 units in chunks of 1 and 2), and the
            // thread that takes the last big chunk finishes up to a unit late
            int units = (blocks * groups + chunks - 1) / chunks * chunks;
            groups = (units + blocks - 1) / blocks;
        }
        groups = Math.min(panels, groups);
        int g = groups;
        int b = blocks;
        CpuExecution.RangeBody body = (start, end) -> {
            for (int u = start; u < end; u++) {
                int rb = u / g;
                int gi = u % g;
                int r0 = (int) ((long) tiles * rb / b) * mr;
                int rows = Math.min(m, (int) ((long) tiles * (rb + 1) / b) * mr) - r0;
                int p0 = (int) ((long) panels * gi / g);
                int p1 = (int) ((long) panels * (gi + 1) / g);
                block(wide, a, aOff + r0 * lda, lda, rows, taps, x, xOff, p0, p1, c, r0 * ldc, ldc);
                int col0 = p0 * nr;
                int cols = Math.min(n, p1 * nr) - col0;
                for (int i = 0; i < rows && cols > 0; i++) {
                    epilogue.apply(c, (r0 + i) * ldc + col0, r0 + i, col0, cols);
                }
            }
        };
        int units = blocks * groups;
        if (execution == null || units == 1 || !execution.splits(2L * m * n * k)) {
            body.run(0, units);
        } else {
            execution.parallelFor(units, (long) Math.min(m, MC) * padded / groups * k, body);
        }
    }

    private static void block(boolean wide, float[] a, int aOff, int lda, int rows, int[] taps, float[] x, int xOff, int p0,
                              int p1, float[] c, int cOff, int ldc) {
        int mr = wide ? MR_WIDE : MR;
        int nr = wide ? NR_WIDE : NR;
        int k = taps.length;
        int kBlocks = (k + KC - 1) / KC;
        for (int kb = 0; kb < kBlocks; kb++) {
            int k0 = (int) ((long) k * kb / kBlocks);
            int kLen = (int) ((long) k * (kb + 1) / kBlocks) - k0;
            boolean accumulate = kb > 0;
            for (int p = p0; p < p1; p++) {
                int col0 = p * nr;
                for (int i = 0; i < rows; i += mr) {
                    int ai = aOff + i * lda + k0;
                    int ci = cOff + i * ldc + col0;
                    if (rows - i < mr) {
                        edge(wide, a, ai, lda, rows - i, taps, k0, kLen, x, xOff + col0, c, ci, ldc, accumulate);
                    } else if (wide) {
                        tile6x4(a, ai, lda, taps, k0, kLen, x, xOff + col0, c, ci, ldc, accumulate);
                    } else {
                        tile8(a, ai, lda, taps, k0, kLen, x, xOff + col0, c, ci, ldc, accumulate);
                    }
                }
            }
        }
    }

    /** Fewer rows than the tile: through the full tile, a's rows copied into a zero-padded block, c via a scratch tile. */
    private static void edge(boolean wide, float[] a, int aOff, int lda, int rows, int[] taps, int k0, int kLen, float[] x,
                             int xq, float[] c, int cOff, int ldc, boolean accumulate) {
        int mr = wide ? MR_WIDE : MR;
        int nr = wide ? NR_WIDE : NR;
        float[][] scratch = EDGE.get();
        float[] t = scratch[0];
        if (scratch[1].length < mr * kLen) {
            scratch[1] = new float[mr * kLen];
        }
        float[] src = scratch[1];
        java.util.Arrays.fill(src, rows * kLen, mr * kLen, 0f);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, aOff + i * lda, src, i * kLen, kLen);
        }
        if (accumulate) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(c, cOff + i * ldc, t, i * nr, nr);
            }
        }
        if (wide) {
            tile6x4(src, 0, kLen, taps, k0, kLen, x, xq, t, 0, nr, accumulate);
        } else {
            tile8(src, 0, kLen, taps, k0, kLen, x, xq, t, 0, nr, accumulate);
        }
        for (int i = 0; i < rows; i++) {
            System.arraycopy(t, i * nr, c, cOff + i * ldc, nr);
        }
    }

    /**
     * Eight rows of a times the tap windows {@code [k0, k0 + kLen)} at column xq: the 8 x NR block of c in 24 registers.
     */
    static void tile8(float[] a, int a0, int lda, int[] taps, int k0, int kLen, float[] x, int xq, float[] c,
                              int cOff, int ldc, boolean accumulate) {
        int o0 = cOff;
        int o1 = cOff + ldc;
        int o2 = cOff + 2 * ldc;
        int o3 = cOff + 3 * ldc;
        int o4 = cOff + 4 * ldc;
        int o5 = cOff + 5 * ldc;
        int o6 = cOff + 6 * ldc;
        int o7 = cOff + 7 * ldc;
        FloatVector c00 = accumulate ? FloatVector.fromArray(F, c, o0) : FloatVector.zero(F);
        FloatVector c01 = accumulate ? FloatVector.fromArray(F, c, o0 + L) : FloatVector.zero(F);
        FloatVector c02 = accumulate ? FloatVector.fromArray(F, c, o0 + 2 * L) : FloatVector.zero(F);
        FloatVector c10 = accumulate ? FloatVector.fromArray(F, c, o1) : FloatVector.zero(F);
        FloatVector c11 = accumulate ? FloatVector.fromArray(F, c, o1 + L) : FloatVector.zero(F);
        FloatVector c12 = accumulate ? FloatVector.fromArray(F, c, o1 + 2 * L) : FloatVector.zero(F);
        FloatVector c20 = accumulate ? FloatVector.fromArray(F, c, o2) : FloatVector.zero(F);
        FloatVector c21 = accumulate ? FloatVector.fromArray(F, c, o2 + L) : FloatVector.zero(F);
        FloatVector c22 = accumulate ? FloatVector.fromArray(F, c, o2 + 2 * L) : FloatVector.zero(F);
        FloatVector c30 = accumulate ? FloatVector.fromArray(F, c, o3) : FloatVector.zero(F);
        FloatVector c31 = accumulate ? FloatVector.fromArray(F, c, o3 + L) : FloatVector.zero(F);
        FloatVector c32 = accumulate ? FloatVector.fromArray(F, c, o3 + 2 * L) : FloatVector.zero(F);
        FloatVector c40 = accumulate ? FloatVector.fromArray(F, c, o4) : FloatVector.zero(F);
        FloatVector c41 = accumulate ? FloatVector.fromArray(F, c, o4 + L) : FloatVector.zero(F);
        FloatVector c42 = accumulate ? FloatVector.fromArray(F, c, o4 + 2 * L) : FloatVector.zero(F);
        FloatVector c50 = accumulate ? FloatVector.fromArray(F, c, o5) : FloatVector.zero(F);
        FloatVector c51 = accumulate ? FloatVector.fromArray(F, c, o5 + L) : FloatVector.zero(F);
        FloatVector c52 = accumulate ? FloatVector.fromArray(F, c, o5 + 2 * L) : FloatVector.zero(F);
        FloatVector c60 = accumulate ? FloatVector.fromArray(F, c, o6) : FloatVector.zero(F);
        FloatVector c61 = accumulate ? FloatVector.fromArray(F, c, o6 + L) : FloatVector.zero(F);
        FloatVector c62 = accumulate ? FloatVector.fromArray(F, c, o6 + 2 * L) : FloatVector.zero(F);
        FloatVector c70 = accumulate ? FloatVector.fromArray(F, c, o7) : FloatVector.zero(F);
        FloatVector c71 = accumulate ? FloatVector.fromArray(F, c, o7 + L) : FloatVector.zero(F);
        FloatVector c72 = accumulate ? FloatVector.fromArray(F, c, o7 + 2 * L) : FloatVector.zero(F);
        int a1 = a0 + lda;
        int a2 = a0 + 2 * lda;
        int a3 = a0 + 3 * lda;
        int a4 = a0 + 4 * lda;
        int a5 = a0 + 5 * lda;
        int a6 = a0 + 6 * lda;
        int a7 = a0 + 7 * lda;
        for (int kk = 0; kk < kLen; kk++) {
            int bo = xq + taps[k0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, x, bo);
            FloatVector b1 = FloatVector.fromArray(F, x, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, x, bo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            FloatVector x1 = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            FloatVector x2 = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            FloatVector x3 = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            FloatVector x4 = FloatVector.broadcast(F, a[a4 + kk]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            FloatVector x5 = FloatVector.broadcast(F, a[a5 + kk]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            FloatVector x6 = FloatVector.broadcast(F, a[a6 + kk]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            c62 = x6.fma(b2, c62);
            FloatVector x7 = FloatVector.broadcast(F, a[a7 + kk]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
            c72 = x7.fma(b2, c72);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        c42.intoArray(c, o4 + 2 * L);
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        c52.intoArray(c, o5 + 2 * L);
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        c62.intoArray(c, o6 + 2 * L);
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
        c72.intoArray(c, o7 + 2 * L);
    }

    /** Six rows of a times the tap windows {@code [k0, k0 + kLen)} at column xq: the 6 x 4-vector block of c in 24 registers. */
    private static void tile6x4(float[] a, int a0, int lda, int[] taps, int k0, int kLen, float[] x, int xq, float[] c,
                                int cOff, int ldc, boolean accumulate) {
        int o0 = cOff + 0 * ldc;
        int o1 = cOff + 1 * ldc;
        int o2 = cOff + 2 * ldc;
        int o3 = cOff + 3 * ldc;
        int o4 = cOff + 4 * ldc;
        int o5 = cOff + 5 * ldc;
        FloatVector c00 = accumulate ? FloatVector.fromArray(F, c, o0 + 0 * L) : FloatVector.zero(F);
        FloatVector c01 = accumulate ? FloatVector.fromArray(F, c, o0 + 1 * L) : FloatVector.zero(F);
        FloatVector c02 = accumulate ? FloatVector.fromArray(F, c, o0 + 2 * L) : FloatVector.zero(F);
        FloatVector c03 = accumulate ? FloatVector.fromArray(F, c, o0 + 3 * L) : FloatVector.zero(F);
        FloatVector c10 = accumulate ? FloatVector.fromArray(F, c, o1 + 0 * L) : FloatVector.zero(F);
        FloatVector c11 = accumulate ? FloatVector.fromArray(F, c, o1 + 1 * L) : FloatVector.zero(F);
        FloatVector c12 = accumulate ? FloatVector.fromArray(F, c, o1 + 2 * L) : FloatVector.zero(F);
        FloatVector c13 = accumulate ? FloatVector.fromArray(F, c, o1 + 3 * L) : FloatVector.zero(F);
        FloatVector c20 = accumulate ? FloatVector.fromArray(F, c, o2 + 0 * L) : FloatVector.zero(F);
        FloatVector c21 = accumulate ? FloatVector.fromArray(F, c, o2 + 1 * L) : FloatVector.zero(F);
        FloatVector c22 = accumulate ? FloatVector.fromArray(F, c, o2 + 2 * L) : FloatVector.zero(F);
        FloatVector c23 = accumulate ? FloatVector.fromArray(F, c, o2 + 3 * L) : FloatVector.zero(F);
        FloatVector c30 = accumulate ? FloatVector.fromArray(F, c, o3 + 0 * L) : FloatVector.zero(F);
        FloatVector c31 = accumulate ? FloatVector.fromArray(F, c, o3 + 1 * L) : FloatVector.zero(F);
        FloatVector c32 = accumulate ? FloatVector.fromArray(F, c, o3 + 2 * L) : FloatVector.zero(F);
        FloatVector c33 = accumulate ? FloatVector.fromArray(F, c, o3 + 3 * L) : FloatVector.zero(F);
        FloatVector c40 = accumulate ? FloatVector.fromArray(F, c, o4 + 0 * L) : FloatVector.zero(F);
        FloatVector c41 = accumulate ? FloatVector.fromArray(F, c, o4 + 1 * L) : FloatVector.zero(F);
        FloatVector c42 = accumulate ? FloatVector.fromArray(F, c, o4 + 2 * L) : FloatVector.zero(F);
        FloatVector c43 = accumulate ? FloatVector.fromArray(F, c, o4 + 3 * L) : FloatVector.zero(F);
        FloatVector c50 = accumulate ? FloatVector.fromArray(F, c, o5 + 0 * L) : FloatVector.zero(F);
        FloatVector c51 = accumulate ? FloatVector.fromArray(F, c, o5 + 1 * L) : FloatVector.zero(F);
        FloatVector c52 = accumulate ? FloatVector.fromArray(F, c, o5 + 2 * L) : FloatVector.zero(F);
        FloatVector c53 = accumulate ? FloatVector.fromArray(F, c, o5 + 3 * L) : FloatVector.zero(F);
        int a1 = a0 + 1 * lda;
        int a2 = a0 + 2 * lda;
        int a3 = a0 + 3 * lda;
        int a4 = a0 + 4 * lda;
        int a5 = a0 + 5 * lda;
        for (int kk = 0; kk < kLen; kk++) {
            int bo = xq + taps[k0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, x, bo + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, x, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, x, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, x, bo + 3 * L);
            FloatVector x0 = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(F, a[a4 + kk]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(F, a[a5 + kk]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, o0 + 0 * L);
        c01.intoArray(c, o0 + 1 * L);
        c02.intoArray(c, o0 + 2 * L);
        c03.intoArray(c, o0 + 3 * L);
        c10.intoArray(c, o1 + 0 * L);
        c11.intoArray(c, o1 + 1 * L);
        c12.intoArray(c, o1 + 2 * L);
        c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2 + 0 * L);
        c21.intoArray(c, o2 + 1 * L);
        c22.intoArray(c, o2 + 2 * L);
        c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3 + 0 * L);
        c31.intoArray(c, o3 + 1 * L);
        c32.intoArray(c, o3 + 2 * L);
        c33.intoArray(c, o3 + 3 * L);
        c40.intoArray(c, o4 + 0 * L);
        c41.intoArray(c, o4 + 1 * L);
        c42.intoArray(c, o4 + 2 * L);
        c43.intoArray(c, o4 + 3 * L);
        c50.intoArray(c, o5 + 0 * L);
        c51.intoArray(c, o5 + 1 * L);
        c52.intoArray(c, o5 + 2 * L);
        c53.intoArray(c, o5 + 3 * L);
    }
}
