package dev.kiln.backend.cpu.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 scaled dot-product attention for one (batch, head, block of query rows) with explicit SIMD: the
 * body of {@code dev.kiln::MultiHeadAttention} when {@link Simd#enabled()}. Refers to
 * {@code jdk.incubator.vector}: call only after that check.
 *
 * <p>The scores are kept transposed, keys by queries, so that the softmax runs down columns with the
 * queries along the vector lanes: the maximum and the sum of each query's scores are lane-wise (no
 * horizontal reduction per row, which cost as much as the exponential itself). The query rows go in
 * groups of a multiple of two vectors whose scores fit the L1 cache (64 rows at 128 keys with 16 lanes),
 * so the scores stay there from the product through the softmax to P V. Per group, Q^T is gathered into
 * a zero-padded panel (one gather per head channel and vector of queries); S^T = K Q^T is computed by a
 * register-blocked tile (six keys by two vectors of queries: each step broadcasts six K elements, read in
 * place, and does twelve FMAs against two vectors of Q^T; a last partial group of keys goes through a
 * zero-padded copy) whose epilogue applies the softmax scale, adds the mask of each key and folds the scores
 * into each query's running maximum (a mask that varies along queries takes a separate pass); then
 * {@link SimdMath#expShiftedColumns} (weights below 2^-64 flushed to 0, as in the plain path). O = P V uses the same tile with six query rows broadcast from the transposed P and
 * vectors along the head dimension (V read in place when the head size is a multiple of two vectors, else
 * from a zero-padded copy); its epilogue multiplies each row by 1 / sum and stores it straight into the
 * output (ragged rows go through a scratch tile).
 *
 * <p>Thread-safe: scratch is per thread and reused across calls. Results agree with the plain-Java
 * kernel to float32 rounding (the order of the sums differs), not bit for bit.
 */
public final class SimdAttention {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();
    /** Tile width: two vectors. Query groups and head-dimension panels are padded to a multiple of it. */
    private static final int W = 2 * L;
    /** Tile height: keys (Q K^T) or query rows (P V) per tile. */
    private static final int R = 6;
    /** Most query rows whose scores are computed, normalized and applied together (a multiple of W). */
    private static final int GROUP = 4 * W;
    /** Scores per row group kept within this many floats (32 KiB), so they stay in the L1 cache. */
    private static final int GROUP_SCORES = 8192;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SimdAttention() {
    }

    /**
     * Writes the attention output of n query rows of one head into {@code out}. Row i (0-based) of the head's
     * queries is {@code q[qBase + i * qStride, + d)}, key j {@code k[kBase + j * kStride, + d)}, value j
     * {@code v[vBase + j * vStride, + d)}, and its output goes to {@code out[outBase + i * outStride, + d)}
     * (so q, k and v may be slices of one packed projection). The additive mask is null, or read as
     * {@code mask[maskOffset + i * maskQueryStride + j * maskKeyStride]} (strides may be 0 where it broadcasts).
     */
    public static void attend(float[] q, int qBase, int qStride, float[] k, int kBase, int kStride, float[] v, int vBase, int vStride,
                              float[] out, int outBase, int outStride, float scale, float[] mask, int maskOffset, int maskQueryStride,
                              int maskKeyStride, int n, int sk, int d) {
        int dims = roundUp(d, W);
        // query rows in groups small enough that their scores stay in the L1 cache through all three passes
        int group = Math.min(roundUp(n, W), Math.max(W, Math.min(GROUP, GROUP_SCORES / sk / W * W)));
        Scratch s = SCRATCH.get();
        s.ensure(group, sk, d, dims, qStride);
        // V in place when the head dimension fills whole tiles, else a zero-padded copy
        float[] vs = v;
        int vOff = vBase;
        int vRow = vStride;
        if (dims != d) {
            packValues(v, vBase, vStride, sk, d, dims, s.v);
            vs = s.v;
            vOff = 0;
            vRow = dims;
        }
        boolean rowPerQuery = mask != null && maskQueryStride != 0;
        fillKeyMask(s.keyMask, rowPerQuery ? null : mask, maskOffset, maskKeyStride, sk);
        float[] st = s.scores;
        float[] max = s.max;
        float[] inverse = s.inverse;
        for (int g0 = 0; g0 < n; g0 += group) {
            int m = Math.min(group, n - g0);
            int cols = roundUp(m, W);
            packQueriesTransposed(q, qBase + g0 * qStride, qStride, m, d, cols, s.qt, s.gather);
            scores(k, kBase, kStride, s, sk, d, cols, scale);
            if (rowPerQuery) {
                fillQueryMask(s.queryMask, mask, maskOffset + g0 * maskQueryStride, maskQueryStride, maskKeyStride, m, sk, cols);
                for (int x = 0; x < cols; x += L) {
                    addQueryMaskAndMax(st, x, cols, sk, s.queryMask, max);
                }
            }
            for (int x = 0; x < cols; x += L) {
                SimdMath.expShiftedColumns(st, x, cols, sk, max, inverse);
            }
            for (int i = 0; i < cols; i++) {
                inverse[i] = 1f / inverse[i];
            }
            int full = dims == d ? m / R * R : 0;
            int o = outBase + g0 * outStride;
            for (int i = 0; i < full; i += R) {
                for (int c = 0; c < d; c += W) {
                    tile(st, i, 1, cols, vs, vOff + c, vRow, sk, inverse, i, out, o + i * outStride + c, outStride);
                }
            }
            if (full < m) {
                // ragged rows or head size: through the padded scratch tile, then copied
                float[] t = s.out;
                for (int i = full; i < m; i += R) {
                    for (int c = 0; c < dims; c += W) {
                        tile(st, i, 1, cols, vs, vOff + c, vRow, sk, inverse, i, t, (i - full) * dims + c, dims);
                    }
                }
                for (int i = full; i < m; i++) {
                    System.arraycopy(t, (i - full) * dims, out, o + i * outStride, d);
                }
            }
        }
    }

    /**
     * S^T = scale K Q^T + the key mask for all keys against the group's {@code cols} (padded) queries into
     * {@code s.scores} ([keys][cols], keys padded to R), and each query's maximum score into {@code s.max}.
     */
    private static void scores(float[] k, int kBase, int kStride, Scratch s, int sk, int d, int cols, float scale) {
        float[] st = s.scores;
        float[] max = s.max;
        float[] keyMask = s.keyMask;
        Arrays.fill(max, 0, cols, Float.NEGATIVE_INFINITY);
        int full = sk / R * R;
        for (int j = 0; j < full; j += R) {
            scoreRows(k, kBase + j * kStride, kStride, s.qt, cols, d, scale, keyMask, j, st, max);
        }
        if (full < sk) {
            // the last, partial group of keys through a zero-padded copy (its mask is -infinity past sk, so the
            // padding rows leave the maximum alone; they are never read afterwards)
            packRows(k, kBase + full * kStride, kStride, sk - full, d, s.k);
            scoreRows(s.k, 0, d, s.qt, cols, d, scale, keyMask, full, st, max);
        }
    }

    /** Six keys (rows j..j+5 of S^T) against all query columns. */
    private static void scoreRows(float[] k, int kOff, int kStride, float[] qt, int cols, int d, float scale, float[] keyMask, int j,
                                  float[] st, float[] max) {
        for (int x = 0; x < cols; x += W) {
            scoreTile(k, kOff, kStride, qt, x, cols, d, scale, keyMask, j, st, max);
        }
    }

    /**
     * S^T rows j..j+5, columns [x, x + 2 lanes): {@code st[j + r][x..] = scale * (K row r) . (Q^T columns) +
     * keyMask[j + r]}, the column maxima folded into max[x..]. Twelve accumulators (as {@link #tile}); a
     * 24-accumulator version over four vectors of queries measured 0.87-0.92x of this one with AVX-512. The
     * epilogue is written out here: a helper taking the accumulators as parameters was not inlined and boxed them.
     */
    private static void scoreTile(float[] k, int kOff, int kStride, float[] qt, int x, int cols, int d, float scale, float[] keyMask,
                                   int j, float[] st, float[] max) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c51 = FloatVector.zero(F);
        int k2 = 2 * kStride;
        int k3 = 3 * kStride;
        int k4 = 4 * kStride;
        int k5 = 5 * kStride;
        for (int t = 0, ki = kOff, bi = x; t < d; t++, ki++, bi += cols) {
            FloatVector b0 = FloatVector.fromArray(F, qt, bi);
            FloatVector b1 = FloatVector.fromArray(F, qt, bi + L);
            FloatVector a = FloatVector.broadcast(F, k[ki]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(F, k[ki + kStride]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(F, k[ki + k2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(F, k[ki + k3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(F, k[ki + k4]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(F, k[ki + k5]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
        }
        int row = j * cols + x;
        float m0 = keyMask[j];
        float m1 = keyMask[j + 1];
        float m2 = keyMask[j + 2];
        float m3 = keyMask[j + 3];
        float m4 = keyMask[j + 4];
        float m5 = keyMask[j + 5];
        // queries [x, + L): scaled, masked, stored, folded into the running maximum
        FloatVector y00 = c00.fma(scale, m0);
        FloatVector y10 = c10.fma(scale, m1);
        FloatVector y20 = c20.fma(scale, m2);
        FloatVector y30 = c30.fma(scale, m3);
        FloatVector y40 = c40.fma(scale, m4);
        FloatVector y50 = c50.fma(scale, m5);
        y00.intoArray(st, row);
        y10.intoArray(st, row + cols);
        y20.intoArray(st, row + 2 * cols);
        y30.intoArray(st, row + 3 * cols);
        y40.intoArray(st, row + 4 * cols);
        y50.intoArray(st, row + 5 * cols);
        y00.max(y10).max(y20.max(y30)).max(y40.max(y50)).max(FloatVector.fromArray(F, max, x)).intoArray(max, x);
        // queries [x + L, + L): scaled, masked, stored, folded into the running maximum
        FloatVector y01 = c01.fma(scale, m0);
        FloatVector y11 = c11.fma(scale, m1);
        FloatVector y21 = c21.fma(scale, m2);
        FloatVector y31 = c31.fma(scale, m3);
        FloatVector y41 = c41.fma(scale, m4);
        FloatVector y51 = c51.fma(scale, m5);
        y01.intoArray(st, row + L);
        y11.intoArray(st, row + L + cols);
        y21.intoArray(st, row + L + 2 * cols);
        y31.intoArray(st, row + L + 3 * cols);
        y41.intoArray(st, row + L + 4 * cols);
        y51.intoArray(st, row + L + 5 * cols);
        y01.max(y11).max(y21.max(y31)).max(y41.max(y51)).max(FloatVector.fromArray(F, max, x + L)).intoArray(max, x + L);
    }

    /**
     * The register-blocked product {@code c[cOff + r * cStride + x] = factor[f0 + r] * sum over t < depth of
     * a[aOff + r * aRow + t * aStep] * b[bOff + t * bStride + x]} for r in [0, 6), x in [0, 2 lanes): for
     * P V, a is the transposed P (aRow 1, aStep its row length) and the factor 1 / sum. A small method on purpose: C2 compiles it
     * early and keeps the twelve accumulators in registers (with the two B vectors and a broadcast, 15 of
     * AVX2's 16).
     */
    private static void tile(float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, int bStride, int depth, float[] factor,
                             int f0, float[] c, int cOff, int cStride) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c51 = FloatVector.zero(F);
        int a2 = 2 * aRow;
        int a3 = 3 * aRow;
        int a4 = 4 * aRow;
        int a5 = 5 * aRow;
        int ai = aOff;
        int bi = bOff;
        for (int t = 0; t < depth; t++, ai += aStep, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[ai + aRow]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[ai + a4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[ai + a5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
        }
        store(c00, c01, factor[f0], c, cOff);
        store(c10, c11, factor[f0 + 1], c, cOff + cStride);
        store(c20, c21, factor[f0 + 2], c, cOff + 2 * cStride);
        store(c30, c31, factor[f0 + 3], c, cOff + 3 * cStride);
        store(c40, c41, factor[f0 + 4], c, cOff + 4 * cStride);
        store(c50, c51, factor[f0 + 5], c, cOff + 5 * cStride);
    }

    private static void store(FloatVector lo, FloatVector hi, float factor, float[] c, int off) {
        lo.mul(factor).intoArray(c, off);
        hi.mul(factor).intoArray(c, off + L);
    }

    /**
     * Down the column vector x of S^T: {@code s[j][x..] += queryMask[j][x..]} for j < sk (a mask per query and
     * key, laid out as S^T), the lane-wise maximum into max[x..].
     */
    private static void addQueryMaskAndMax(float[] st, int x, int cols, int sk, float[] queryMask, float[] max) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0, i = x; j < sk; j++, i += cols) {
            FloatVector y = FloatVector.fromArray(F, st, i).add(FloatVector.fromArray(F, queryMask, i));
            y.intoArray(st, i);
            m = m.max(y);
        }
        m.intoArray(max, x);
    }

    /**
     * The mask value of each key when it does not vary along queries (0 without a mask), -infinity for the
     * padding keys [sk, sk + R).
     */
    private static void fillKeyMask(float[] row, float[] mask, int offset, int keyStride, int sk) {
        Arrays.fill(row, sk, sk + R, Float.NEGATIVE_INFINITY);
        if (mask == null) {
            Arrays.fill(row, 0, sk, 0f);
        } else if (keyStride == 1) {
            System.arraycopy(mask, offset, row, 0, sk);
        } else {
            for (int j = 0; j < sk; j++) {
                row[j] = mask[offset + j * keyStride];
            }
        }
    }

    /** The mask of m queries, transposed to [sk][cols] like S^T; 0 for the padding queries [m, cols). */
    private static void fillQueryMask(float[] dst, float[] mask, int offset, int queryStride, int keyStride, int m, int sk, int cols) {
        for (int j = 0; j < sk; j++) {
            int src = offset + j * keyStride;
            int row = j * cols;
            for (int i = 0; i < m; i++) {
                dst[row + i] = mask[src + i * queryStride];
            }
            Arrays.fill(dst, row + m, row + cols, 0f);
        }
    }

    /** The last, partial group of key rows into a zero-padded [R][d] group. */
    private static void packRows(float[] q, int base, int stride, int n, int d, float[] dst) {
        Arrays.fill(dst, 0, R * d, 0f);
        for (int i = 0; i < n; i++) {
            System.arraycopy(q, base + i * stride, dst, i * d, d);
        }
    }

    /**
     * Q^T of m query rows into [d][cols], zero in columns [m, cols): L queries at a time by one gather per head
     * channel ({@code gather} holds 0, stride, 2 stride, ...), the rest one by one.
     */
    private static void packQueriesTransposed(float[] q, int base, int stride, int m, int d, int cols, float[] dst, int[] gather) {
        int i = 0;
        for (; i + L <= m; i += L) {
            gatherColumns(q, base + i * stride, d, cols, dst, i, gather);
        }
        for (; i < m; i++) {
            int src = base + i * stride;
            for (int c = 0; c < d; c++) {
                dst[c * cols + i] = q[src + c];
            }
        }
        for (int c = 0; c < d; c++) {
            Arrays.fill(dst, c * cols + m, (c + 1) * cols, 0f);
        }
    }

    private static void gatherColumns(float[] src, int from, int d, int cols, float[] dst, int i, int[] gather) {
        for (int c = 0; c < d; c++) {
            FloatVector.fromArray(F, src, from + c, gather, 0).intoArray(dst, c * cols + i);
        }
    }

    /** V of the head into [sk][dims], zero beyond d. */
    private static void packValues(float[] v, int base, int stride, int sk, int d, int dims, float[] dst) {
        for (int j = 0; j < sk; j++) {
            System.arraycopy(v, base + j * stride, dst, j * dims, d);
            Arrays.fill(dst, j * dims + d, (j + 1) * dims, 0f);
        }
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** Per-thread buffers, grown on demand and kept. */
    private static final class Scratch {
        float[] k = new float[0];
        float[] qt = new float[0];
        float[] v = new float[0];
        float[] scores = new float[0];
        float[] queryMask = new float[0];
        float[] out = new float[0];
        float[] keyMask = new float[0];
        float[] max = new float[0];
        float[] inverse = new float[0];
        int[] gather = new int[L];
        private int gatherStride = -1;

        void ensure(int group, int sk, int d, int dims, int qStride) {
            int keys = roundUp(sk, R);
            k = grow(k, R * d);
            qt = grow(qt, d * group);
            v = grow(v, sk * dims);
            // P V's last tile of rows may read R columns past the group (finite scores, results dropped)
            scores = grow(scores, keys * group + R);
            queryMask = grow(queryMask, sk * group);
            out = grow(out, (group + R) * dims);
            keyMask = grow(keyMask, sk + R);
            max = grow(max, group);
            inverse = grow(inverse, group + R);
            if (gatherStride != qStride) {
                for (int l = 0; l < L; l++) {
                    gather[l] = l * qStride;
                }
                gatherStride = qStride;
            }
        }

        private static float[] grow(float[] have, int size) {
            return have.length >= size ? have : new float[size];
        }
    }
}
