package dev.kiln.backend.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimdGemmTest {
    @BeforeAll
    static void simdOn() {
        assumeTrue(Simd.enabled(), () -> "SIMD kernels off here: " + Simd.disabledReason());
    }

    @Test
    void matchesADoubleProductOnEveryEdgeShape() {
        SplittableRandom random = new SplittableRandom(7);
        int[] ms = {1, 5, 6, 7, 13, 96, 97, 200};
        int[] ns = {1, 15, 16, 31, 32, 33, 100};
        int[] ks = {0, 1, 17, 383, 384, 385, 800};
        try (CpuExecution two = new CpuExecution(2)) {
            for (int m : ms) {
                for (int n : ns) {
                    for (int k : ks) {
                        check(random, m, n, k, random.nextBoolean(), random.nextBoolean() ? two : null);
                    }
                }
            }
        }
    }

    @Test
    void stridedOperandsAndOutputLeaveTheRestUntouched() {
        try (CpuExecution two = new CpuExecution(2)) {
            SplittableRandom random = new SplittableRandom(3);
            int m = 37;
            int n = 45;
            int k = 50;
            int lda = k + 3;
            int ldb = n + 5;
            int ldc = n + 7;
            float[] a = fill(random, 2 + m * lda);
            float[] b = fill(random, 1 + k * ldb);
            float[] c = new float[4 + m * ldc];
            Arrays.fill(c, Float.NaN);
            PackedPanels p = PackedPanels.pack(b, 1, ldb, false, k, n, SimdGemm.panelWidth());
            SimdGemm.multiply(two, a, 2, lda, m, p, c, 4, ldc, null);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    float got = c[4 + i * ldc + j];
                    if (j >= n) {
                        assertEquals(Float.NaN, got, "padding column written at " + i + "," + j);
                        continue;
                    }
                    double want = 0;
                    for (int kk = 0; kk < k; kk++) {
                        want += (double) a[2 + i * lda + kk] * b[1 + kk * ldb + j];
                    }
                    assertEquals(want, got, 1e-4 * (1 + Math.abs(want)), "c[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void aBiasEpilogueIsAddedInTheTileAndItsFollowerRunsOnce() {
        SplittableRandom random = new SplittableRandom(11);
        // m not a multiple of MR, n not a multiple of the panel width, k over KC; 1 and 2 threads
        int[][] shapes = {{1, 1, 1}, {7, 15, 0}, {13, 100, 385}, {32, 3 * SimdGemm.panelWidth() + 5, 800},
            {97, 2 * SimdGemm.panelWidth(), 384}, {200, 33, 17}};
        try (CpuExecution two = new CpuExecution(2)) {
            for (int[] s : shapes) {
                for (CpuExecution ex : new CpuExecution[] {null, two}) {
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    float[] a = fill(random, m * k);
                    float[] b = fill(random, k * n);
                    float[] bias = fill(random, n);
                    PackedPanels p = PackedPanels.pack(b, 0, n, false, k, n, SimdGemm.panelWidth());
                    float[] fused = new float[m * n];
                    int[] visits = new int[m * n];
                    SimdGemm.multiply(ex, a, 0, k, m, p, fused, 0, n, new Blas.Epilogue.Bias(bias,
                            (out, off, row, col0, cols) -> {
                                for (int j = 0; j < cols; j++) {
                                    visits[row * n + col0 + j]++;
                                    out[off + j] *= 2f;
                                }
                            }));
                    // the same float sums as the product followed by a separate bias pass
                    float[] plain = new float[m * n];
                    SimdGemm.multiply(ex, a, 0, k, m, p, plain, 0, n, null);
                    for (int i = 0; i < m * n; i++) {
                        String where = m + "x" + n + "x" + k + (ex == null ? " 1 thread" : " 2 threads") + " at " + i;
                        assertEquals(1, visits[i], "follower visits " + where);
                        assertEquals(2f * (plain[i] + bias[i % n]), fused[i], where);
                    }
                }
            }
        }
    }

    @Test
    void everyThreadCountGivesTheSameBits() {
        SplittableRandom random = new SplittableRandom(5);
        int[][] shapes = {{32, 384, 1536}, {1024, 384, 100}, {97, 2 * SimdGemm.panelWidth() + 1, 1000}};
        try (CpuExecution two = new CpuExecution(2); CpuExecution three = new CpuExecution(3)) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                float[] a = fill(random, m * k);
                float[] b = fill(random, k * n);
                PackedPanels p = PackedPanels.pack(b, 0, n, false, k, n, SimdGemm.panelWidth());
                float[] one = new float[m * n];
                SimdGemm.multiply(null, a, 0, k, m, p, one, 0, n, null);
                for (CpuExecution ex : new CpuExecution[] {two, three}) {
                    float[] c = new float[m * n];
                    SimdGemm.multiply(ex, a, 0, k, m, p, c, 0, n, null);
                    for (int i = 0; i < m * n; i++) {
                        assertEquals(Float.floatToRawIntBits(one[i]), Float.floatToRawIntBits(c[i]),
                                m + "x" + n + "x" + k + " on " + ex.threads() + " threads at " + i);
                    }
                }
            }
        }
    }

    @Test
    void panelsOfTheWrongWidthAreRefused() {
        PackedPanels p = PackedPanels.pack(new float[4], 0, 2, false, 2, 2, SimdGemm.panelWidth() + 1);
        assertThrows(IllegalArgumentException.class,
                () -> SimdGemm.multiply(null, new float[4], 0, 2, 2, p, new float[4], 0, 2, null));
    }

    private static void check(SplittableRandom random, int m, int n, int k, boolean trans, CpuExecution execution) {
        float[] a = fill(random, m * k);
        float[] b = fill(random, k * n);
        float[] c = new float[m * n];
        Arrays.fill(c, Float.NaN);
        PackedPanels p = PackedPanels.pack(b, 0, trans ? k : n, trans, k, n, SimdGemm.panelWidth());
        int[] visits = new int[m * n];
        SimdGemm.multiply(execution, a, 0, k, m, p, c, 0, n, (out, off, row, col0, cols) -> {
            for (int j = 0; j < cols; j++) {
                visits[row * n + col0 + j]++;
                out[off + j] += 1f;
            }
        });
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 1;
                for (int kk = 0; kk < k; kk++) {
                    want += (double) a[i * k + kk] * (trans ? b[j * k + kk] : b[kk * n + j]);
                }
                String where = m + "x" + n + "x" + k + (trans ? " transB" : "") + " at " + i + "," + j;
                assertEquals(1, visits[i * n + j], "epilogue visits " + where);
                assertEquals(want, c[i * n + j], 1e-4 * (1 + Math.abs(want)), where);
            }
        }
    }

    private static float[] fill(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}
