package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.util.FloatMath;

/**
 * The float32 attention that {@link AttentionBlock} replaced, kept for tests and {@link AttentionBench}: per
 * (batch, head) it gathers Q, K and V compactly, computes the scores with one {@link Blas#sgemm}, a row
 * softmax, and the product with V with a second sgemm. Single-threaded; the mask (may be null) is read
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
                    int off = i * sk;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < sk; j++) {
                        scores[off + j] += mask == null ? 0f : mask.floatAt(b, h, i, j);
                        max = Math.max(max, scores[off + j]);
                    }
                    for (int j = 0; j < sk; j++) {
                        t[j] = scores[off + j] - max;
                    }
                    FloatMath.exp(t, t, e, sk);
                    double sum = 0;
                    for (int j = 0; j < sk; j++) {
                        sum += t[j];
                    }
                    for (int j = 0; j < sk; j++) {
                        scores[off + j] = (float) (t[j] / sum);
                    }
                }
                Blas.sgemm(null, false, false, sq, d, sk, 1f, Blas.Floats.of(scores, 0, sk), Blas.Floats.of(vh, 0, d), oh, 0, d);
                for (int i = 0; i < sq; i++) {
                    System.arraycopy(oh, i * d, out, qOff + i * width, d);
                }
            }
        }
    }

    private static void gather(float[] src, int off, int stride, float[] dst, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, off + i * stride, dst, i * cols, cols);
        }
    }
}
