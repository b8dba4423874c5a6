package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.util.FloatMath;
import java.util.Arrays;

/**
 * The float32 body of {@link FusedAttentionKernel}: attention for one (batch, head, block of query rows),
 * in plain Java shaped for HotSpot's auto-vectorizer, with no BLAS call (the products per head are small,
 * and each BLAS call pays for staging operands into native memory and a fixed setup cost).
 *
 * <p>Everything is computed transposed, with the query rows of the block along the innermost axis: the
 * scores are kept as S^T (one zero-based array of block length per key), so that Q K^T, the column-wise
 * softmax and P V are all loops over the same index of zero-based arrays, which C2 turns into SIMD code
 * (see {@link FloatMath}). S^T row j is built as sum over c of K[j][c] * Q^T[c] (four c at a time, so each
 * score element is loaded and stored once per four products); P V as, per four keys, O^T[c] +=
 * sum V[j][c] * P^T[j]. The softmax normalization is applied to the output, once per element.
 *
 * <p>Thread-safe: scratch buffers are per thread and reused across calls (no allocation per head once
 * warm). Results agree with the textbook order of operations to float32 rounding, not bit for bit.
 */
final class AttentionBlock {
    /** Most query rows per block: S^T takes sk * block floats of per-thread scratch. */
    private static final int MAX_BLOCK = 128;
    /** Scores per block kept within this many floats (256 KiB) where keys are many. */
    private static final int SCORE_BUDGET = 1 << 16;
    private static final int MIN_BLOCK = 16;
    /**
     * Softmax arguments (at most 0) are clamped here, where 2^k is still a normal float. e^-87 is 1.6e-38:
     * against a column sum of at least 1 (the maximum contributes e^0) the clamp changes nothing visible.
     */
    private static final float MIN_ARG = -87f;
    /** Softmax weights below 2^(this - 127) are written as 0 (with a column sum of at least 1, invisible in float). */
    private static final int MIN_BIASED_EXPONENT = 127 - 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private AttentionBlock() {
    }

    /** Query rows per block for these sequence lengths. */
    static int blockRows(int sq, int sk) {
        return Math.max(1, Math.min(sq, Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, SCORE_BUDGET / Math.max(1, sk)))));
    }

    /**
     * Writes the attention output of query rows {@code [i0, i0+n)} of head h in batch b into {@code out}
     * (packed [B, Sq, H*D] like q; k and v are [B, Sk, H*D]). The mask may be null.
     */
    static void attend(float[] q, float[] k, float[] v, float[] out, float scale, FusedAttentionKernel.MaskView mask,
                       int b, int h, int i0, int n, int sq, int sk, int d, int width) {
        Scratch s = SCRATCH.get();
        s.ensure(sk, d, n);
        float[][] qt = s.qt;
        float[][] st = s.st;
        int qBase = (b * sq + i0) * width + h * d;
        for (int i = 0; i < n; i++) {
            int r = qBase + i * width;
            for (int c = 0; c < d; c++) {
                qt[c][i] = q[r + c];
            }
        }
        int kvBase = b * sk * width + h * d;
        for (int j = 0; j < sk; j++) {
            scoreRow(st[j], k, kvBase + j * width, qt, d, n);
        }
        softmaxColumns(s, scale, mask, b, h, i0, n, sk);
        float[][] ot = s.ot;
        for (int c = 0; c < d; c++) {
            Arrays.fill(ot[c], 0, n, 0f);
        }
        int j = 0;
        for (; j + 4 <= sk; j += 4) {
            int r = kvBase + j * width;
            for (int c = 0; c < d; c++) {
                acc4(ot[c], n, v[r + c], st[j], v[r + width + c], st[j + 1], v[r + 2 * width + c], st[j + 2],
                        v[r + 3 * width + c], st[j + 3]);
            }
        }
        for (; j < sk; j++) {
            int r = kvBase + j * width;
            for (int c = 0; c < d; c++) {
                acc1(ot[c], n, v[r + c], st[j]);
            }
        }
        float[] sum = s.sum;
        for (int i = 0; i < n; i++) {
            int r = qBase + i * width;
            float total = sum[i];
            for (int c = 0; c < d; c++) {
                out[r + c] = ot[c][i] / total;
            }
        }
    }

    /** {@code row[i] = sum over c of k[kRow + c] * qt[c][i]}, four c per pass over the row. */
    private static void scoreRow(float[] row, float[] k, int kRow, float[][] qt, int d, int n) {
        Arrays.fill(row, 0, n, 0f);
        int c = 0;
        for (; c + 4 <= d; c += 4) {
            acc4(row, n, k[kRow + c], qt[c], k[kRow + c + 1], qt[c + 1], k[kRow + c + 2], qt[c + 2], k[kRow + c + 3], qt[c + 3]);
        }
        for (; c < d; c++) {
            acc1(row, n, k[kRow + c], qt[c]);
        }
    }

    /**
     * Scales and masks S^T, then replaces each column by its unnormalized softmax (exp of each entry less the
     * column maximum) and leaves the column sums in {@code s.sum}.
     */
    private static void softmaxColumns(Scratch s, float scale, FusedAttentionKernel.MaskView mask, int b, int h, int i0, int n,
                                       int sk) {
        float[][] st = s.st;
        float[] max = s.max;
        float[] sum = s.sum;
        float[] t = s.t;
        Arrays.fill(max, 0, n, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < sk; j++) {
            float[] row = st[j];
            if (mask == null) {
                scaleRow(row, n, scale);
            } else if (mask.strideAlongQuery() == 0) {
                shiftRow(row, n, scale, mask.floatAt(b, h, i0, j));
            } else {
                mask.addColumn(row, n, scale, b, h, i0, j);
            }
            maxInto(max, row, n);
        }
        Arrays.fill(sum, 0, n, 0f);
        for (int j = 0; j < sk; j++) {
            expShifted(st[j], max, sum, t, s.k, n);
        }
    }

    /**
     * {@code row[i] = e^(row[i] - max[i])} and {@code sum[i] += row[i]}, for arguments at most 0 (NaN
     * propagates; results below 2^-64 become 0); p and k are scratch. The method of {@link FloatMath#exp}, specialized: arguments are
     * clamped at {@link #MIN_ARG}, so 2^k is one normal float, and the softmax's subtraction and sum ride in
     * its two passes. The first pass is vectorized; the second is scalar on JDK 17 (C2 does not vectorize the
     * float-to-int conversion or the bit move), so it does as little as possible.
     */
    private static void expShifted(float[] row, float[] max, float[] sum, float[] p, float[] k, int n) {
        for (int i = 0; i < n; i++) {
            float x = Math.max(row[i] - max[i], MIN_ARG);
            float kf = FloatMath.expExponent(x);
            p[i] = FloatMath.expReducedMinus1(x, kf) + 1f;
            k[i] = kf;
        }
        for (int i = 0; i < n; i++) {
            int biased = (int) k[i] + 127;
            // below 2^-64 the weight is 0: a clamped or masked score would otherwise give subnormal products with V
            float e = p[i] * Float.intBitsToFloat((biased << 23) & ((MIN_BIASED_EXPONENT - biased) >> 31));
            row[i] = e;
            sum[i] += e;
        }
    }

    private static void acc4(float[] y, int n, float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3) {
        for (int i = 0; i < n; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    private static void acc1(float[] y, int n, float a, float[] x) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scaleRow(float[] row, int n, float scale) {
        for (int i = 0; i < n; i++) {
            row[i] *= scale;
        }
    }

    private static void shiftRow(float[] row, int n, float scale, float shift) {
        for (int i = 0; i < n; i++) {
            row[i] = row[i] * scale + shift;
        }
    }

    private static void maxInto(float[] max, float[] row, int n) {
        for (int i = 0; i < n; i++) {
            max[i] = Math.max(max[i], row[i]);
        }
    }

    /** Per-thread buffers, grown on demand and kept. */
    private static final class Scratch {
        float[][] qt = new float[0][];
        float[][] st = new float[0][];
        float[][] ot = new float[0][];
        float[] max = new float[0];
        float[] sum = new float[0];
        float[] t = new float[0];
        float[] k = new float[0];
        private int width;

        void ensure(int sk, int d, int n) {
            if (n > width) {
                width = n;
                qt = new float[0][];
                st = new float[0][];
                ot = new float[0][];
                max = new float[n];
                sum = new float[n];
                t = new float[n];
                k = new float[n];
            }
            qt = rows(qt, d);
            ot = rows(ot, d);
            st = rows(st, sk);
        }

        private float[][] rows(float[][] have, int count) {
            if (have.length >= count) {
                return have;
            }
            float[][] grown = Arrays.copyOf(have, count);
            for (int i = have.length; i < count; i++) {
                grown[i] = new float[width];
            }
            return grown;
        }
    }
}
