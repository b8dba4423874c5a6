package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SimdProducts packing per call into reused scratch: every transpose combination against a double-precision
 * product, with shapes that shrink and grow between calls so stale scratch (panel padding, old rows) would show.
 */
class SimdProductsTest {
    @Test
    void everyTransposeAgainstADoubleProductWithReusedScratch() {
        assumeTrue(Simd.enabled(), () -> "SIMD kernels off here: " + Simd.disabledReason());
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {{70, 100, 50}, {9, 17, 33}, {130, 49, 400}, {1, 5, 3}, {40, 60, 20}};
        try (CpuExecution two = new CpuExecution(2)) {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    check(random, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, two);
                }
            }
        }
    }

    private static void check(SplittableRandom random, int m, int n, int k, boolean transA, boolean transB, CpuExecution ex) {
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        float[] c = new float[m * n];
        SimdProducts.multiply(ex, transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n, null);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int kk = 0; kk < k; kk++) {
                    double x = transA ? a[kk * m + i] : a[i * k + kk];
                    double y = transB ? b[j * k + kk] : b[kk * n + j];
                    want += x * y;
                }
                assertEquals(want, c[i * n + j], 1e-4 * (1 + Math.abs(want)),
                        m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB + " at " + i + "," + j);
            }
        }
    }
}
