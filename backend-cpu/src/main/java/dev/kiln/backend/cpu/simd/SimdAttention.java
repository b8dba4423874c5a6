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
 * <p>Per block: K^T of the head is copied into a zero-padded panel. S = Q K^T is computed by a
 * register-blocked tile (six query rows by two vectors of keys: each step broadcasts six Q elements, read
 * in place, and does twelve FMAs against two vectors of K^T; a last partial group of rows goes through a
 * zero-padded copy), then each score row is scaled, gets its mask row added (padding keys get -infinity),
 * its maximum, and {@link SimdMath#expShiftedSum} (weights below 2^-64 flushed to 0, as in the plain path).
 * O = P V uses the same tile with vectors along the head dimension (V read in place when the head size is
 * a multiple of two vectors, else from a zero-padded copy), then each row is divided by its sum.
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
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SimdAttention() {
    }

    /**
     * Writes the attention output of query rows {@code [i0, i0 + n)} of head h in batch b into {@code out}.
     * q and out are packed [B, Sq, width], k and v [B, Sk, width], width = heads * d. The additive mask is
     * null, or read as {@code mask[maskOffset + i * maskQueryStride + j * maskKeyStride]} for block row i
     * (0-based) and key j (strides may be 0 where the mask broadcasts).
     */
    public static void attend(float[] q, float[] k, float[] v, float[] out, float scale, float[] mask, int maskOffset,
                              int maskQueryStride, int maskKeyStride, int b, int h, int i0, int n, int sq, int sk, int d,
                              int width) {
        int rows = roundUp(n, R);
        int keys = roundUp(sk, W);
        int dims = roundUp(d, W);
        Scratch s = SCRATCH.get();
        s.ensure(rows, keys, d, dims, sk);
        int qBase = (b * sq + i0) * width + h * d;
        int kvBase = b * sk * width + h * d;
        packKeysTransposed(k, kvBase, width, sk, d, keys, s.kt);
        float[] scores = s.scores;
        int full = n / R * R;
        for (int i = 0; i < full; i += R) {
            for (int j = 0; j < keys; j += W) {
                tile(q, qBase + i * width, width, s.kt, j, keys, d, scores, i * keys + j, keys);
            }
        }
        if (full < n) {
            // the last, partial group of query rows through a zero-padded copy (rows past n must stay finite)
            packRows(q, qBase + full * width, width, n - full, d, s.q);
            for (int j = 0; j < keys; j += W) {
                tile(s.q, 0, d, s.kt, j, keys, d, scores, full * keys + j, keys);
            }
        }
        float[] maskRow = s.maskRow;
        boolean rowPerQuery = mask != null && maskQueryStride != 0;
        if (!rowPerQuery) {
            fillMaskRow(maskRow, mask, maskOffset, maskKeyStride, sk, keys);
        }
        float[] inverse = s.inverse;
        for (int i = 0; i < n; i++) {
            if (rowPerQuery) {
                fillMaskRow(maskRow, mask, maskOffset + i * maskQueryStride, maskKeyStride, sk, keys);
            }
            int row = i * keys;
            float max = scaleAddAndMax(scores, row, scale, maskRow, keys);
            inverse[i] = 1f / SimdMath.expShiftedSum(scores, row, scores, row, keys, max);
        }
        // V in place when the head dimension fills whole tiles, else a zero-padded copy
        float[] vs = v;
        int vOff = kvBase;
        int vStride = width;
        if (dims != d) {
            packValues(v, kvBase, width, sk, d, dims, s.v);
            vs = s.v;
            vOff = 0;
            vStride = dims;
        }
        float[] o = s.out;
        for (int i = 0; i < rows; i += R) {
            for (int c = 0; c < dims; c += W) {
                tile(scores, i * keys, keys, vs, vOff + c, vStride, sk, o, i * dims + c, dims);
            }
        }
        for (int i = 0; i < n; i++) {
            SimdMath.scale(o, i * dims, d, inverse[i]);
            System.arraycopy(o, i * dims, out, qBase + i * width, d);
        }
    }

    /**
     * The register-blocked product: {@code c[cOff + r * cStride + x] = sum over t < depth of
     * a[aOff + r * aRow + t] * b[bOff + t * bStride + x]} for r in [0, 6), x in [0, 2 lanes).
     * A small method on purpose: C2 compiles it early and keeps the twelve accumulators in registers
     * (with the two B vectors and a broadcast, 15 of AVX2's 16).
     */
    private static void tile(float[] a, int aOff, int aRow, float[] b, int bOff, int bStride, int depth, float[] c, int cOff,
                             int cStride) {
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
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + cStride);
        store(c20, c21, c, cOff + 2 * cStride);
        store(c30, c31, c, cOff + 3 * cStride);
        store(c40, c41, c, cOff + 4 * cStride);
        store(c50, c51, c, cOff + 5 * cStride);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int off) {
        lo.intoArray(c, off);
        hi.intoArray(c, off + L);
    }

    /** {@code row = row * scale + mask} over the padded row, returning the maximum. */
    private static float scaleAddAndMax(float[] scores, int row, float scale, float[] mask, int keys) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector factor = FloatVector.broadcast(F, scale);
        for (int j = 0; j < keys; j += L) {
            FloatVector x = FloatVector.fromArray(F, scores, row + j).fma(factor, FloatVector.fromArray(F, mask, j));
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
    private static void packRows(float[] q, int base, int width, int n, int d, float[] dst) {
        Arrays.fill(dst, 0, R * d, 0f);
        for (int i = 0; i < n; i++) {
            System.arraycopy(q, base + i * width, dst, i * d, d);
        }
    }

    /** K^T of the head into [d][keys], zero beyond sk. */
    private static void packKeysTransposed(float[] k, int base, int width, int sk, int d, int keys, float[] dst) {
        for (int j = 0; j < sk; j++) {
            int src = base + j * width;
            for (int c = 0; c < d; c++) {
                dst[c * keys + j] = k[src + c];
            }
        }
        for (int c = 0; c < d; c++) {
            Arrays.fill(dst, c * keys + sk, (c + 1) * keys, 0f);
        }
    }

    /** V of the head into [sk][dims], zero beyond d. */
    private static void packValues(float[] v, int base, int width, int sk, int d, int dims, float[] dst) {
        for (int j = 0; j < sk; j++) {
            System.arraycopy(v, base + j * width, dst, j * dims, d);
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
        float[] inverse = new float[0];

        void ensure(int rows, int keys, int d, int dims, int sk) {
            q = grow(q, R * d);
            kt = grow(kt, d * keys);
            v = grow(v, sk * dims);
            scores = grow(scores, rows * keys);
            out = grow(out, rows * dims);
            maskRow = grow(maskRow, keys);
            inverse = grow(inverse, rows);
        }

        private static float[] grow(float[] have, int size) {
            return have.length >= size ? have : new float[size];
        }
    }
}
