package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlasTest {
    private static final CpuExecution EXECUTION = new CpuExecution(2);

    @AfterAll
    static void close() {
        EXECUTION.close();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @CsvSource({
        "1, 300, 70, false, false",
        "1, 300, 70, true, true",
        "90, 1, 50, false, true",
        "90, 1, 50, true, false",
        "200, 40, 64, false, false",
        "40, 260, 64, true, false",
        "70, 300, 33, false, true",
        "3, 4, 0, false, false",
    })
    void matchesTheDefinitionWithOffsetsStridesAndSplitting(int m, int n, int k, boolean transA, boolean transB) {
        Random r = new Random(m * 31L + n * 7L + k);
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 5;
        int aOff = 4;
        int bOff = 1;
        int cOff = 2;
        float[] a = random(r, aOff + (transA ? k : m) * lda);
        float[] b = random(r, bOff + (transB ? n : k) * ldb);
        double[] ad = toDoubles(a);
        double[] bd = toDoubles(b);
        float[] expected = new float[cOff + m * ldc];
        float[] c = new float[expected.length];
        double[] cd = new double[expected.length];
        Arrays.fill(c, 99f);
        Arrays.fill(cd, 99);
        Arrays.fill(expected, 99f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += ad[aOff + (transA ? p * lda + i : i * lda + p)] * bd[bOff + (transB ? j * ldb + p : p * ldb + j)];
                }
                expected[cOff + i * ldc + j] = (float) (0.5 * s);
            }
        }
        Blas.sgemm(EXECUTION, transA, transB, m, n, k, 0.5f, Blas.Floats.of(a, aOff, lda), Blas.Floats.of(b, bOff, ldb), c, cOff, ldc);
        assertArrayEquals(expected, c, 1e-4f);
        Blas.NativeFloats packed = Blas.pack(b, 0, b.length);
        float[] c2 = new float[expected.length];
        Arrays.fill(c2, 99f);
        Blas.sgemm(EXECUTION, transA, transB, m, n, k, 0.5f, Blas.Floats.of(a, aOff, lda), Blas.Floats.of(packed, bOff, ldb), c2, cOff, ldc);
        assertArrayEquals(c, c2, 0f);
        Blas.dgemm(EXECUTION, transA, transB, m, n, k, 0.5, ad, aOff, lda, bd, bOff, ldb, cd, cOff, ldc);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], cd[i], 1e-4, "element " + i);
        }
        // an epilogue sees every element of the product once, with its row and column, and nothing else
        float[] c3 = new float[expected.length];
        Arrays.fill(c3, 99f);
        Blas.sgemm(EXECUTION, transA, transB, m, n, k, 0.5f, Blas.Floats.of(a, aOff, lda), Blas.Floats.of(b, bOff, ldb), c3, cOff, ldc,
                (cc, off, row, col0, cols) -> {
                    for (int j = 0; j < cols; j++) {
                        cc[off + j] += 100f * row + (col0 + j);
                    }
                });
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                assertEquals(expected[at] + 100f * i + j, c3[at], 1e-2f, "row " + i + " column " + j);
                expected[at] = c3[at];
            }
        }
        assertArrayEquals(expected, c3, 0f);
    }

    @Test
    void scratchOperandIsReadInPlace() {
        Blas.NativeFloats scratch = Blas.scratch(6);
        scratch.buffer().put(0, new float[] {1, 2, 3, 4, 5, 6}, 0, 6);
        float[] c = new float[2];
        Blas.sgemm(null, false, false, 1, 2, 3, 1f, Blas.Floats.of(new float[] {1, 1, 1}, 0, 3), Blas.Floats.of(scratch, 0, 2), c, 0, 2);
        assertArrayEquals(new float[] {9, 12}, c);
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
