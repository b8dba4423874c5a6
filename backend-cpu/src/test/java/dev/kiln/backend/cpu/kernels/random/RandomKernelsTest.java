package dev.kiln.backend.cpu.kernels.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/**
 * The random generators by shape, type, range and moments. Their values cannot be compared with ONNX
 * Runtime's or numpy's (the spec leaves the generator to each implementation), so the node-suite cases,
 * which hold numpy's draws, cannot pass; these checks would fail for a wrong distribution instead.
 */
class RandomKernelsTest {
    private static final int N = 200_000;

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / v.length;
    }

    @Test
    void uniformHasItsRangeAndMoments() {
        Node n = Node.builder("RandomUniform").outputs("y").attr("shape", 400L, 500L).attr("low", -2f).attr("high", 4f).attr("dtype", 11L).build();
        Tensor y = KernelHarness.runOne(n);
        assertEquals(DType.DOUBLE, y.dtype());
        assertEquals(Shape.of(400, 500), y.shape());
        double[] v = y.doubleData();
        for (double x : v) {
            assertTrue(x >= -2 && x < 4, "value " + x + " outside [-2, 4)");
        }
        assertEquals(1.0, mean(v), 0.02);
        assertEquals(36.0 / 12, variance(v), 0.03);
    }

    @Test
    void normalHasItsMoments() {
        Node n = Node.builder("RandomNormalLike").inputs("x").outputs("y").attr("mean", 3f).attr("scale", 0.5f).build();
        Tensor y = KernelHarness.runOne(n, Tensor.zeros(DType.FLOAT, N));
        assertEquals(DType.FLOAT, y.dtype());
        double[] v = y.toDoubleArray();
        assertEquals(3.0, mean(v), 0.01);
        assertEquals(0.25, variance(v), 0.005);
        int within = 0;
        for (double x : v) {
            within += Math.abs(x - 3) < 0.5 ? 1 : 0;
        }
        assertEquals(0.6827, within / (double) N, 0.01, "share within one standard deviation");
    }

    @Test
    void uniformLikeTakesShapeAndTypeFromItsInput() {
        Node n = Node.builder("RandomUniformLike").inputs("x").outputs("y").build();
        Tensor y = KernelHarness.runOne(n, Tensor.zeros(DType.FLOAT16, 3, 7));
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(Shape.of(3, 7), y.shape());
    }

    @Test
    void aSeedMakesEachRunReproducibleAndRunsDiffer() {
        Node n = Node.builder("RandomUniform").outputs("y").attr("shape", new long[] {16}).attr("seed", 7f).build();
        float[] first = KernelHarness.runOne(n).floatData();
        float[] again = KernelHarness.runOne(n).floatData();
        assertArrayEquals(first, again, "a new kernel with the same seed draws the same first run");
        Node other = Node.builder("RandomUniform").outputs("y").attr("shape", new long[] {16}).attr("seed", 8f).build();
        assertFalse(java.util.Arrays.equals(first, KernelHarness.runOne(other).floatData()));
    }

    @Test
    void bernoulliFollowsItsProbabilities() {
        double[] p = new double[N];
        for (int i = 0; i < N; i++) {
            p[i] = (i % 4) / 4.0 + (i % 8 == 7 ? 0.25 : 0);
        }
        Node n = Node.builder("Bernoulli").inputs("p").outputs("y").attr("dtype", 7L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(p, N));
        assertEquals(DType.INT64, y.dtype());
        long[] v = y.longData();
        double[] hits = new double[5];
        double[] counts = new double[5];
        for (int i = 0; i < N; i++) {
            assertTrue(v[i] == 0 || v[i] == 1);
            int k = (int) Math.round(p[i] * 4);
            hits[k] += v[i];
            counts[k]++;
        }
        for (int k = 0; k < 5; k++) {
            assertEquals(k / 4.0, hits[k] / counts[k], 0.01, "rate for p = " + k / 4.0);
        }
        Tensor bools = KernelHarness.runOne(Node.builder("Bernoulli").inputs("p").outputs("y").attr("dtype", 9L).build(), Tensor.of(new float[] {0, 1}, 2));
        assertArrayEquals(new boolean[] {false, true}, bools.booleanData());
    }

    @Test
    void multinomialSamplesBySoftmaxOfItsLogits() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(5), -50f, 0f, 0f};
        Node n = Node.builder("Multinomial").inputs("x").outputs("y").attr("sample_size", (long) N).attr("dtype", 7L).attr("seed", 1f).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(logits, 2, 3));
        assertEquals(Shape.of(2, N), y.shape());
        long[] v = y.longData();
        double[][] share = new double[2][3];
        for (int r = 0; r < 2; r++) {
            for (int s = 0; s < N; s++) {
                share[r][(int) v[r * N + s]] += 1.0 / N;
            }
        }
        assertEquals(1 / 8.0, share[0][0], 0.005);
        assertEquals(2 / 8.0, share[0][1], 0.005);
        assertEquals(5 / 8.0, share[0][2], 0.005);
        assertEquals(0.0, share[1][0], 1e-4);
        assertEquals(0.5, share[1][1], 0.005);
        Tensor ints = KernelHarness.runOne(Node.builder("Multinomial").inputs("x").outputs("y").build(), Tensor.of(logits, 2, 3));
        assertEquals(DType.INT32, ints.dtype());
        assertEquals(Shape.of(2, 1), ints.shape());
    }
}
