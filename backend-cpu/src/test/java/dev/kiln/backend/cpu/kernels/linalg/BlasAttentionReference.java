package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.util.FloatMath;

/**
 * The float32 attention that {@link AttentionBlock} replaced, kept for tests and {@link AttentionBench}: per
 * (batch, head) it gathers Q, K and V compactly, computes the scores with one {@link Blas#sgemm}, a row
 * softmax, and the product with V with a second sgemm (as the kernel did, except that the mask is read
 * per element here). Single-threaded; the mask (may be null) is read
 * through its broadcast strides.
 */
final class BlasAttentionReference {
    private BlasAttentionReference() {
    }

    static void attend(float[] qa, float[] ka, float[] va, float[] out, float scale, FusedAttentionKernel.MaskView mask,
                       int batch, int heads, int sq, int sk, int d) {
        int width = heads * d;
        float[] scores = new float[sq * sk];
        float[] qh = new float[sq * d];
        float[] kh = new float[sk * d];
        float[] vh = new float[sk * d];
        float[] oh = new float[sq * d];
        float[] t = new float[sk];
        float[] e = new float[sk];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int qOff = b * sq * width + h * d;
                int kvOff = b * sk * width + h * d;
                gather(qa, qOff, width, qh, sq, d);
                gather(ka, kvOff, width, kh, sk, d);
                gather(va, kvOff, width, vh, sk, d);
                Blas.sgemm(null, false, true, sq, sk, d, scale, Blas.Floats.of(qh, 0, d), Blas.Floats.of(kh, 0, d), scores, 0, sk);
                for (int i = 0; i < sq; i++) {
                    softmaxRow(scores, i * sk, sk, mask, b, h, i, t, e);
                }
                Blas.sgemm(null, false, false, sq, d, sk, 1f, Blas.Floats.of(scores, 0, sk), Blas.Floats.of(vh, 0, d), oh, 0, d);
                for (int i = 0; i < sq; i++) {
                    System.arraycopy(oh, i * d, out, qOff + i * width, d);
                }
            }
        }
    }

    /** The replaced kernel's row softmax: mask added, max and sum over four lanes, exp by {@link FloatMath}. */
    private static void softmaxRow(float[] s, int off, int n, FusedAttentionKernel.MaskView mask, int b, int h, int i, float[] t, float[] k) {
        if (mask != null) {
            for (int j = 0; j < n; j++) {
                s[off + j] += mask.floatAt(b, h, i, j);
            }
        }
        float m0 = Float.NEGATIVE_INFINITY;
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            m0 = Math.max(m0, s[off + j]);
            m1 = Math.max(m1, s[off + j + 1]);
            m2 = Math.max(m2, s[off + j + 2]);
            m3 = Math.max(m3, s[off + j + 3]);
        }
        for (; j < n; j++) {
            m0 = Math.max(m0, s[off + j]);
        }
        float max = Math.max(Math.max(m0, m1), Math.max(m2, m3));
        for (j = 0; j < n; j++) {
            t[j] = s[off + j] - max;
        }
        FloatMath.exp(t, t, k, n);
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        j = 0;
        for (; j + 4 <= n; j += 4) {
            a0 += t[j];
            a1 += t[j + 1];
            a2 += t[j + 2];
            a3 += t[j + 3];
        }
        for (; j < n; j++) {
            a0 += t[j];
        }
        float inv = (float) (1.0 / ((a0 + a1) + (a2 + a3)));
        for (j = 0; j < n; j++) {
            s[off + j] = t[j] * inv;
        }
    }

    private static void gather(float[] src, int off, int stride, float[] dst, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, off + i * stride, dst, i * cols, cols);
        }
    }
}
