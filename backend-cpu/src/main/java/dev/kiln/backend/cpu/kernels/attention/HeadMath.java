package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.backend.cpu.kernels.linalg.Blas;

/**
 * The per-head steps of scaled dot-product attention on row-major double matrices: the score product
 * {@code Q K^T}, a row softmax that turns a fully masked row into zeros, and the weighted sum {@code P V}.
 * Products large enough to pay for the copies go to OpenBLAS on the calling thread (callers parallelize
 * over heads). Stateless and thread-safe.
 */
final class HeadMath {
    /** Multiply-adds below which a plain loop beats copying operands into OpenBLAS. */
    private static final long BLAS_MIN = 1L << 12;

    private HeadMath() {
    }

    /** {@code s[i*lk + j] = sum_d q[qOff + i*d + t] * k[kOff + j*d + t]} for an lq x d and an lk x d matrix. */
    static void scores(double[] q, int qOff, double[] k, int kOff, int lq, int lk, int d, double[] s) {
        if ((long) lq * lk * d >= BLAS_MIN) {
            Blas.dgemm(null, false, true, lq, lk, d, 1.0, q, qOff, d, k, kOff, d, s, 0, lk);
            return;
        }
        for (int i = 0; i < lq; i++) {
            int qi = qOff + i * d;
            for (int j = 0; j < lk; j++) {
                int kj = kOff + j * d;
                double acc = 0;
                for (int t = 0; t < d; t++) {
                    acc += q[qi + t] * k[kj + t];
                }
                s[i * lk + j] = acc;
            }
        }
    }

    /**
     * Softmax of each of {@code rows} rows of length {@code cols} in place, rounded to {@code precision}. A row
     * whose entries are all {@code -inf} (every key masked) becomes all zeros instead of NaN.
     */
    static void softmaxRows(double[] s, int rows, int cols, Precision precision) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, s[base + j]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(s, base, base + cols, 0.0);
                continue;
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                double e = Math.exp(s[base + j] - max);
                s[base + j] = e;
                sum += e;
            }
            for (int j = 0; j < cols; j++) {
                s[base + j] = precision.round(s[base + j] / sum);
            }
        }
    }

    /** {@code y[yOff + i*dv + t] = sum_j p[i*lk + j] * v[vOff + j*dv + t]} for an lq x lk and an lk x dv matrix. */
    static void weighted(double[] p, int lq, int lk, double[] v, int vOff, int dv, double[] y, int yOff) {
        if ((long) lq * lk * dv >= BLAS_MIN) {
            Blas.dgemm(null, false, false, lq, dv, lk, 1.0, p, 0, lk, v, vOff, dv, y, yOff, dv);
            return;
        }
        for (int i = 0; i < lq; i++) {
            int yi = yOff + i * dv;
            java.util.Arrays.fill(y, yi, yi + dv, 0.0);
            for (int j = 0; j < lk; j++) {
                double pj = p[i * lk + j];
                int vj = vOff + j * dv;
                for (int t = 0; t < dv; t++) {
                    y[yi + t] += pj * v[vj + t];
                }
            }
        }
    }
}
