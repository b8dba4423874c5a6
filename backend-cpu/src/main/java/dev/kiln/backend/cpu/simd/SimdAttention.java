package dev.kiln.backend.cpu.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 scaled dot-product attention for one (batch, head, block of query rows) with explicit SIMD: the
 * body of {@code dev.kiln::MultiHeadAttention} when {@link Simd#enabled()}. Refers to
 * {@code jdk.incubator.vector}: call only after that check.
 *
 * <p>Per block: K^T of the head is gathered into a zero-padded panel (one gather per head channel and
 * vector of keys). The query rows then go in groups whose scores fit the L1 cache (48 rows at 128 keys),
 * so the score rows stay there from the product through the softmax to P V. S = Q K^T is computed by a
 * register-blocked tile (six query rows by two vectors of keys: each step broadcasts six Q elements, read
 * in place, and does twelve FMAs against two vectors of K^T; a last partial group of rows goes through a
 * zero-padded copy), then each score row is scaled, gets its mask row added (padding keys get -infinity),
 * its maximum, and {@link SimdMath#expShiftedSum} (weights below 2^-64 flushed to 0, as in the plain path).
 * O = P V uses the same tile with vectors along the head dimension (V read in place when the head size is
 * a multiple of two vectors, else from a zero-padded copy); its epilogue multiplies each row by 1 / sum and
 * stores it straight into the output (ragged rows go through a scratch tile).
 *
 * <p>Thread-safe: scratch is per thread and reused across calls. Results agree with the plain-Java
 * kernel to float32 rounding (the order of the sums differs), not bit for bit.
 */
public final class SimdAttention {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();
    /** Tile width: two vectors. Key panels and head-dimension panels are padded to a multiple of it. */
    private static final int W = 2 * L;
    /** Tile height: query rows per tile. The query block is padded to a multiple of it. */
    private static final int R = 6;
    /** Most query rows whose scores are computed, normalized and applied together (a multiple of R). */
    private static final int GROUP = 8 * R;
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
        int keys = roundUp(sk, W);
        int dims = roundUp(d, W);
        Scratch s = SCRATCH.get();
        s.ensure(keys, d, dims, sk, kStride);
        packKeysTransposed(k, kBase, kStride, sk, d, keys, s.kt, s.gather);
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
        float[] maskRow = s.maskRow;
        boolean rowPerQuery = mask != null && maskQueryStride != 0;
        if (!rowPerQuery) {
            fillMaskRow(maskRow, mask, maskOffset, maskKeyStride, sk, keys);
        }
        // query rows in groups small enough that their scores stay in the L1 cache through all three passes
        int group = Math.max(R, Math.min(GROUP, GROUP_SCORES / keys / R * R));
        for (int g0 = 0; g0 < n; g0 += group) {
            int m = Math.min(group, n - g0);
            scores(q, qBase + g0 * qStride, qStride, s, m, keys, d, scale);
            float[] scores = s.scores;
            float[] inverse = s.inverse;
            for (int i = 0; i < m; i++) {
                if (rowPerQuery) {
                    fillMaskRow(maskRow, mask, maskOffset + (g0 + i) * maskQueryStride, maskKeyStride, sk, keys);
                }
                int row = i * keys;
                float max = addAndMax(scores, row, maskRow, keys);
                inverse[i] = 1f / SimdMath.expShiftedSum(scores, row, scores, row, keys, max);
            }
            int full = dims == d ? m / R * R : 0;
            int o = outBase + g0 * outStride;
            for (int i = 0; i < full; i += R) {
                for (int c = 0; c < d; c += W) {
                    tile(scores, i * keys, keys, vs, vOff + c, vRow, sk, inverse, i, out, o + i * outStride + c, outStride);
                }
            }
            if (full < m) {
                // ragged rows or head size: through the padded scratch tile, then scaled and copied
                float[] t = s.out;
                for (int i = full; i < m; i += R) {
                    for (int c = 0; c < dims; c += W) {
                        tile(scores, i * keys, keys, vs, vOff + c, vRow, sk, inverse, i, t, (i - full) * dims + c, dims);
                    }
                }
                for (int i = full; i < m; i++) {
                    System.arraycopy(t, (i - full) * dims, out, o + i * outStride, d);
                }
            }
        }
    }

    /** S = Q K^T for m (at most GROUP) query rows into {@code s.scores} ([rows][keys], rows padded to R). */
    private static void scores(float[] q, int qBase, int qStride, Scratch s, int m, int keys, int d, float scale) {
        float[] factor = s.scale;
        Arrays.fill(factor, scale);
        int full = m / R * R;
        for (int i = 0; i < full; i += R) {
            for (int j = 0; j < keys; j += W) {
                tile(q, qBase + i * qStride, qStride, s.kt, j, keys, d, factor, 0, s.scores, i * keys + j, keys);
            }
        }
        if (full < m) {
            // the last, partial group of query rows through a zero-padded copy (rows past m must stay finite)
            packRows(q, qBase + full * qStride, qStride, m - full, d, s.q);
            for (int j = 0; j < keys; j += W) {
                tile(s.q, 0, d, s.kt, j, keys, d, factor, 0, s.scores, full * keys + j, keys);
            }
        }
    }

    /**
     * The register-blocked product {@code c[cOff + r * cStride + x] = factor[f0 + r] * sum over t < depth of
     * a[aOff + r * aRow + t] * b[bOff + t * bStride + x]} for r in [0, 6), x in [0, 2 lanes): the factor is
     * the softmax scale for Q K^T and 1 / sum for P V. A small method on purpose: C2 compiles it early and
     * keeps the twelve accumulators in registers (with the two B vectors and a broadcast, 15 of AVX2's 16).
     */
    private static void tile(float[] a, int aOff, int aRow, float[] b, int bOff, int bStride, int depth, float[] factor, int f0,
                                   float[] c, int cOff, int cStride) {
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
        int a1 = aOff + aRow;
        int a2 = aOff + 2 * aRow;
        int a3 = aOff + 3 * aRow;
        int a4 = aOff + 4 * aRow;
        int a5 = aOff + 5 * aRow;
        int bi = bOff;
        for (int t = 0; t < depth; t++, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[aOff + t]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[a1 + t]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[a2 + t]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[a3 + t]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[a4 + t]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[a5 + t]);
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

    /** {@code row = row + mask} over the padded row, returning the maximum. */
    private static float addAndMax(float[] scores, int row, float[] mask, int keys) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < keys; j += L) {
            FloatVector x = FloatVector.fromArray(F, scores, row + j).add(FloatVector.fromArray(F, mask, j));
            x.intoArray(scores, row + j);
            max = max.max(x);
        }
        return max.reduceLanes(VectorOperators.MAX);
    }

    /** The mask row for one query (0 without a mask), with -infinity for the padding keys [sk, keys). */
    private static void fillMaskRow(float[] row, float[] mask, int offset, int keyStride, int sk, int keys) {
        if (mask == null) {
            Arrays.fill(row, 0, sk, 0f);
        } else if (keyStride == 1) {
            System.arraycopy(mask, offset, row, 0, sk);
        } else {
            for (int j = 0; j < sk; j++) {
                row[j] = mask[offset + j * keyStride];
            }
        }
        Arrays.fill(row, sk, keys, Float.NEGATIVE_INFINITY);
    }

    /** The last, partial group of query rows into a zero-padded [R][d] group. */
    private static void packRows(float[] q, int base, int stride, int n, int d, float[] dst) {
        Arrays.fill(dst, 0, R * d, 0f);
        for (int i = 0; i < n; i++) {
            System.arraycopy(q, base + i * stride, dst, i * d, d);
        }
    }

    /**
     * K^T of the head into [d][keys], zero beyond sk: L keys at a time by one gather per head channel
     * ({@code gather} holds 0, stride, 2 stride, ...), the rest one by one.
     */
    private static void packKeysTransposed(float[] k, int base, int stride, int sk, int d, int keys, float[] dst, int[] gather) {
        int j = 0;
        for (; j + L <= sk; j += L) {
            gatherColumns(k, base + j * stride, d, keys, dst, j, gather);
        }
        for (; j < sk; j++) {
            int src = base + j * stride;
            for (int c = 0; c < d; c++) {
                dst[c * keys + j] = k[src + c];
            }
        }
        for (int c = 0; c < d; c++) {
            Arrays.fill(dst, c * keys + sk, (c + 1) * keys, 0f);
        }
    }

    private static void gatherColumns(float[] k, int src, int d, int keys, float[] dst, int j, int[] gather) {
        for (int c = 0; c < d; c++) {
            FloatVector.fromArray(F, k, src + c, gather, 0).intoArray(dst, c * keys + j);
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
        float[] q = new float[0];
        float[] kt = new float[0];
        float[] v = new float[0];
        float[] scores = new float[0];
        float[] out = new float[0];
        float[] maskRow = new float[0];
        float[] inverse = new float[GROUP];
        /** The softmax scale once per tile row. */
        float[] scale = new float[R];
        int[] gather = new int[L];
        private int gatherStride = -1;

        void ensure(int keys, int d, int dims, int sk, int kStride) {
            q = grow(q, R * d);
            kt = grow(kt, d * keys);
            v = grow(v, sk * dims);
            scores = grow(scores, GROUP * keys);
            out = grow(out, GROUP * dims);
            maskRow = grow(maskRow, keys);
            if (gatherStride != kStride) {
                for (int l = 0; l < L; l++) {
                    gather[l] = l * kStride;
                }
                gatherStride = kStride;
            }
        }

        private static float[] grow(float[] have, int size) {
            return have.length >= size ? have : new float[size];
        }
    }
}
