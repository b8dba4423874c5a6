package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdRowNorm;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD row normalization against the plain row loop it replaces when the Vector API is on (the kernel ORT
 * tests cover the SIMD form under surefire; this ties the plain form to it), on rows shorter than a vector,
 * across statistics blocks, with and without residual, bias and Sum output, and far from zero.
 */
class SimdRowNormTest {
    @Test
    void matchesThePlainRowLoop() {
        assumeTrue(Simd.enabled(), () -> "SIMD kernels off here: " + Simd.disabledReason());
        SplittableRandom random = new SplittableRandom(5);
        for (int size : new int[] {1, 7, 16, 31, 255, 256, 257, 384, 1000}) {
            for (int variant = 0; variant < 8; variant++) {
                boolean withSkip = (variant & 1) != 0;
                boolean withBias = (variant & 2) != 0;
                boolean withSum = (variant & 4) != 0;
                float center = variant == 5 ? 1000f : 0f;
                check(random, size, withSkip, withBias, withSum, center);
            }
        }
    }

    private static void check(SplittableRandom random, int size, boolean withSkip, boolean withBias, boolean withSum,
                              float center) {
        int off = 3;
        float[] x = fill(random, off + size, center);
        float[] skip = withSkip ? fill(random, off + size, 0) : null;
        float[] scale = fill(random, size, 1);
        float[] bias = withBias ? fill(random, size, 0) : null;
        float[] sum = withSum ? new float[off + size] : null;
        float[] y = new float[off + size];
        double[] inv = new double[1];
        double mean = SimdRowNorm.normalize(x, off, skip, off, sum, off, y, off, size, scale, bias, 1e-5, inv);

        float[] row = new float[size];
        for (int i = 0; i < size; i++) {
            row[i] = withSkip ? x[off + i] + skip[off + i] : x[off + i];
        }
        double[] plainMean = new double[1];
        double[] plainInv = new double[1];
        FloatRowNorm.Job job = new FloatRowNorm.Job(null, null, 1, size, scale, true, bias, true, 1e-5, plainMean, plainInv);
        float[] v = row.clone();
        FloatRowNorm.normalizeRow(job, row, 0);
        String what = "size " + size + (withSkip ? " skip" : "") + (withBias ? " bias" : "") + (withSum ? " sum" : "")
                + " center " + center;
        assertEquals(plainMean[0], mean, 1e-6 * (1 + Math.abs(plainMean[0])), "mean, " + what);
        assertEquals(plainInv[0], inv[0], 1e-5 * plainInv[0], "inverse std, " + what);
        for (int i = 0; i < size; i++) {
            // both sum in float lanes (8 plain, one vector SIMD): the means differ by a few ulps of the row's
            // magnitude, which the normalization scales by invStd
            double tol = 2e-5 * (1 + Math.abs(row[i])) + 4 * Math.ulp(Math.abs(center) + 2f) * plainInv[0] * Math.abs(scale[i]);
            assertEquals(row[i], y[off + i], tol, "y[" + i + "], " + what);
            if (withSum) {
                assertEquals(v[i], sum[off + i], 0f, "sum[" + i + "], " + what);
            }
        }
    }

    private static float[] fill(SplittableRandom random, int n, float center) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = center + (float) (random.nextDouble() * 4 - 2);
        }
        return a;
    }
}
