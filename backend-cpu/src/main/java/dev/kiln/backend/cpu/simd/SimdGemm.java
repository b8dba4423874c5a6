package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM on Java heap arrays with the Vector API: {@code c = a * b}, a an m x k row-major matrix, b a
 * {@link PackedPanels} (k x n), c m x n row-major; the previous contents of c are ignored.
 *
 * <p>The micro-kernel keeps an {@value #MR} x {@code 3 * lanes} block of c in vector registers and, for each step
 * along k, broadcasts one element of each of its a rows against three vector loads of the panel: no copies of a
 * or c, and b packed once. ({@link SimdTapGemm} has the same tile with its operand rows found through a table;
 * here panel rows are at {@code bOff + kk * NR}, which lets C2 drop the bounds checks from the loop.) Blocking: rows
 * in blocks of at most {@value #MC} (as many as a multiple of the thread count, or of the pool's chunks per split,
 * differing by one tile at most), k in blocks of at most {@value #KC} (a panel's slice stays in L2 while the block's
 * rows go past it; smaller blocks that keep it in L1 measured slower). Work is split over (row block, panel group)
 * units on the backend's {@link CpuExecution}; each unit runs {@code epilogue} over its finished rows and columns,
 * except for a {@link Blas.Epilogue.Bias}, whose bias the tile adds before its last store. Each element is summed
 * in the same order (k blocks in turn) whatever the thread count, so results are the same bits on any.
 *
 * <p>Only load after {@link Simd#enabled()} returned true. Safe to call from several threads on disjoint outputs.
 */
public final class SimdGemm {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();
    /** Panel width: three vectors. */
    private static final int NR = 3 * L;
    /** Rows per micro-kernel call. */
    static final int MR = 8;
    /** Largest rows per block. */
    static final int MC = 96;
    /**
     * Units of work per thread wanted when there are few row blocks (small m): a worker that joins a split late (a
     * parked one takes 50-100 us to wake here) then still finds units left, and the threads finish within a
     * small unit of each other.
     */
    private static final int UNITS_PER_THREAD = 4;
    /** Most columns of one unit of work when an epilogue follows: its output block then stays in L2. */
    private static final int UNIT_COLUMNS = 384;
    /** Largest k per block. */
    static final int KC = 384;

    private static final ThreadLocal<Edge> EDGE = ThreadLocal.withInitial(Edge::new);

    private SimdGemm() {
    }

    /**
     * True when this kernel is measured faster than OpenBLAS here: with 16-lane (AVX-512) vectors, whose 32
     * registers hold the 8 x 3-vector tile. With 8 lanes (AVX2, 16 registers) the tile spills: still correct,
     * but callers with an OpenBLAS path should keep it.
     */
    public static boolean preferred() {
        return L >= 16;
    }

    /** Panel width {@link PackedPanels#pack} must be given for products of this class. */
    public static int panelWidth() {
        return NR;
    }

    /**
     * {@code c[cOff + i * ldc + j] = sum_kk a[aOff + i * lda + kk] * b(kk, j)} for i < m, j < b.n(), then
     * {@code epilogue} (may be null) on every finished row piece; a {@link Blas.Epilogue.Bias} has its bias added by
     * the micro-kernel as it stores the last k block, then its {@code then} runs. {@code execution} may be null to stay on the
     * calling thread.
     */
    public static void multiply(CpuExecution execution, float[] a, int aOff, int lda, int m, PackedPanels b,
                                float[] c, int cOff, int ldc, Blas.Epilogue epilogue) {
        int n = b.n();
        int k = b.k();
        if (b.width() != NR) {
            throw new IllegalArgumentException("panels packed " + b.width() + " wide; this kernel needs " + NR);
        }
        if (m == 0 || n == 0) {
            return;
        }
        // a bias is added as the tiles store their last k block: no pass over the output for it
        float[] bias = null;
        if (epilogue instanceof Blas.Epilogue.Bias b0) {
            bias = b0.bias();
            epilogue = b0.then();
        }
        Blas.Epilogue rest = epilogue;
        float[] columnBias = bias;
        int threads = execution == null ? 1 : execution.threads();
        int tiles = (m + MR - 1) / MR;
        int blocks = rowBlocks(m, tiles, threads);
        int panels = b.panels();
        // several units for every thread when there are few row blocks (small m: split the columns instead), and
        // columns few enough that a unit's output is still in L2 when its epilogue runs over it
        int spread = (UNITS_PER_THREAD * threads + blocks - 1) / blocks;
        int narrow = rest == null ? 1 : (panels * NR + UNIT_COLUMNS - 1) / UNIT_COLUMNS;
        int groups = Math.min(panels, Math.max(1, Math.max(spread, narrow)));
        int units = blocks * groups;
        long costPerUnit = (long) Math.min(m, MC) * n / groups * Math.max(1, k);
        CpuExecution.RangeBody body = (start, end) -> {
            for (int u = start; u < end; u++) {
                int rb = u / groups;
                int g = u % groups;
                // row blocks differ by at most one micro-kernel tile
                int r0 = (int) ((long) tiles * rb / blocks) * MR;
                int rows = Math.min(m, (int) ((long) tiles * (rb + 1) / blocks) * MR) - r0;
                int p0 = (int) ((long) panels * g / groups);
                int p1 = (int) ((long) panels * (g + 1) / groups);
                block(a, aOff + r0 * lda, lda, rows, b, p0, p1, c, cOff + r0 * ldc, ldc, columnBias);
                if (rest != null) {
                    int col0 = p0 * NR;
                    int cols = Math.min(n, p1 * NR) - col0;
                    for (int i = 0; i < rows; i++) {
                        rest.apply(c, cOff + (r0 + i) * ldc + col0, r0 + i, col0, cols);
                    }
                }
            }
        };
        if (execution == null || units == 1 || !execution.splits(2L * m * n * k)) {
            body.run(0, units);
        } else {
            execution.parallelFor(units, costPerUnit, body);
        }
    }

    /**
     * Row blocks of at most {@value #MC} rows; more than one is rounded up to a multiple of the thread count, and
     * when there are at least half as many as {@value #UNITS_PER_THREAD} per thread, to a multiple of that many per
     * thread (the pool's most chunks per split): every chunk then holds the same number of blocks, so that no
     * thread is left with one block more than the others.
     */
    private static int rowBlocks(int m, int tiles, int threads) {
        int blocks = (m + MC - 1) / MC;
        if (blocks <= 1 || threads <= 1) {
            return blocks;
        }
        int step = 2 * blocks >= UNITS_PER_THREAD * threads ? UNITS_PER_THREAD * threads : threads;
        return Math.min(tiles, (blocks + step - 1) / step * step);
    }

    /**
     * Rows {@code [0, rows)} of a (from aOff) times panels {@code [p0, p1)}, into c from cOff, plus
     * {@code bias[col]} (when not null) on each element.
     */
    private static void block(float[] a, int aOff, int lda, int rows, PackedPanels b, int p0, int p1,
                              float[] c, int cOff, int ldc, float[] bias) {
        int k = b.k();
        int n = b.n();
        float[] bp = b.data();
        int kBlocks = Math.max(1, (k + KC - 1) / KC);
        for (int kb = 0; kb < kBlocks; kb++) {
            int k0 = (int) ((long) k * kb / kBlocks);
            int kLen = (int) ((long) k * (kb + 1) / kBlocks) - k0;
            boolean accumulate = kb > 0;
            float[] add = kb == kBlocks - 1 ? bias : null;
            for (int p = p0; p < p1; p++) {
                int col0 = p * NR;
                int cols = Math.min(NR, n - col0);
                int bOff = b.offset(p, k0);
                for (int i = 0; i < rows; i += MR) {
                    int r = Math.min(MR, rows - i);
                    int ai = aOff + i * lda + k0;
                    int ci = cOff + i * ldc + col0;
                    if (r == MR && cols == NR) {
                        tile8(a, ai, lda, bp, bOff, kLen, c, ci, ldc, accumulate);
                        if (add != null) {
                            addBias(c, ci, ldc, add, col0);
                        }
                    } else {
                        edge(a, ai, lda, r, bp, bOff, kLen, c, ci, ldc, cols, accumulate, add, col0);
                    }
                }
            }
        }
    }

    /**
     * A partial tile (fewer rows or columns) through the full 8-row register tile: the rows of a are copied into a
     * zero-padded scratch block when fewer than {@value #MR}, the product goes into a scratch tile, and the real rows
     * and columns are copied to c. The copies are at most MR x kLen and MR x NR floats, small beside the tile's
     * MR x NR x kLen multiply-adds, and every element is summed in the same order as in a whole tile.
     */
    private static void edge(float[] a, int aOff, int lda, int rows, float[] bp, int bOff, int kLen,
                             float[] c, int cOff, int ldc, int cols, boolean accumulate, float[] bias, int biasOff) {
        Edge e = EDGE.get();
        float[] src = a;
        int srcOff = aOff;
        int srcLd = lda;
        if (rows < MR) {
            src = e.rows(kLen, rows);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(a, aOff + i * lda, src, i * kLen, kLen);
            }
            srcOff = 0;
            srcLd = kLen;
        }
        float[] t = e.tile;
        if (accumulate) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(c, cOff + i * ldc, t, i * NR, cols);
            }
        }
        float[] add = bias;
        int addOff = biasOff;
        if (bias != null && cols < NR) {
            // the tile reads NR bias values: pad the last panel's with zeros
            add = e.bias;
            System.arraycopy(bias, biasOff, add, 0, cols);
            java.util.Arrays.fill(add, cols, NR, 0f);
            addOff = 0;
        }
        tile8(src, srcOff, srcLd, bp, bOff, kLen, t, 0, NR, accumulate);
        if (add != null) {
            addBias(t, 0, NR, add, addOff);
        }
        for (int i = 0; i < rows; i++) {
            System.arraycopy(t, i * NR, c, cOff + i * ldc, cols);
        }
    }

    /** Per-thread scratch of {@link #edge}: one output tile, a zero-padded block of a's rows, a padded bias. */
    private static final class Edge {
        final float[] tile = new float[MR * NR];
        final float[] bias = new float[NR];
        private float[] rows = new float[0];

        /** MR rows of kLen floats, rows {@code [used, MR)} zero (the caller copies the first {@code used} in). */
        float[] rows(int kLen, int used) {
            if (rows.length < MR * kLen) {
                rows = new float[MR * kLen];
            } else {
                java.util.Arrays.fill(rows, used * kLen, MR * kLen, 0f);
            }
            return rows;
        }
    }

    /**
     * {@code bias[biasOff, biasOff + NR)} added to the {@value #MR} x NR tile of c the micro-kernel has just stored
     * (still in L1). Kept out of {@link #tile8}: with a bias branch inside, the tile compiled while no call had a
     * bias was deoptimized by the first that had one and ran C1-compiled, boxing every vector, until C2 compiled it
     * again (14 s on the loaded machine by -XX:+PrintCompilation; MiniLM 8 x 128 ran at 3.4 s instead of 0.11).
     */
    private static void addBias(float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        FloatVector b0 = FloatVector.fromArray(F, bias, biasOff);
        FloatVector b1 = FloatVector.fromArray(F, bias, biasOff + L);
        FloatVector b2 = FloatVector.fromArray(F, bias, biasOff + 2 * L);
        for (int i = 0; i < MR; i++) {
            int o = cOff + i * ldc;
            FloatVector.fromArray(F, c, o).add(b0).intoArray(c, o);
            FloatVector.fromArray(F, c, o + L).add(b1).intoArray(c, o + L);
            FloatVector.fromArray(F, c, o + 2 * L).add(b2).intoArray(c, o + 2 * L);
        }
    }

    /** Eight rows of a times one panel slice: the 8 x NR block of c kept in 24 vector registers. */
    private static void tile8(float[] a, int a0, int lda, float[] bp, int bOff, int kLen, float[] c, int cOff,
                              int ldc, boolean accumulate) {
        int o0 = cOff + 0 * ldc;
        int o1 = cOff + 1 * ldc;
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
        int a1 = a0 + 1 * lda;
        int a2 = a0 + 2 * lda;
        int a3 = a0 + 3 * lda;
        int a4 = a0 + 4 * lda;
        int a5 = a0 + 5 * lda;
        int a6 = a0 + 6 * lda;
        int a7 = a0 + 7 * lda;
        for (int kk = 0; kk < kLen; kk++) {
            int bo = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
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
}
