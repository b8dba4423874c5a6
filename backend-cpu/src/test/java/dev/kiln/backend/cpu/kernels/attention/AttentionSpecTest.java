package dev.kiln.backend.cpu.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Attention behaviour ONNX Runtime 1.23 does not share with the current spec (softcap before the mask,
 * qk_matmul_output modes 1 and 2, opset 24's nonpad_kv_seqlen with bottom-right causal alignment, zero rows
 * for fully masked queries, short masks padded with -inf), checked in float64 against the spec formula
 * written out element by element here.
 */
class AttentionSpecTest {
    private static final Random RANDOM = new Random(24);
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    static Tensor random(long... dims) {
        double[] v = new double[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextDouble() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    /**
     * The spec formula for 4D inputs with a (q, t) bias given per batch as {@code bias[b][i][j]} (mask,
     * padding and causal already folded in). Returns {Y, QK} with QK for {@code mode}.
     */
    static double[][] reference(Tensor q, Tensor k, Tensor v, double[][][] bias, double softcap, double scale, int mode) {
        int b = (int) q.dim(0);
        int hq = (int) q.dim(1);
        int lq = (int) q.dim(2);
        int d = (int) q.dim(3);
        int hkv = (int) k.dim(1);
        int lk = (int) k.dim(2);
        int dv = (int) v.dim(3);
        double[] y = new double[b * hq * lq * dv];
        double[] qk = new double[b * hq * lq * lk];
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < hq; h++) {
                int g = h / (hq / hkv);
                for (int i = 0; i < lq; i++) {
                    double[] row = new double[lk];
                    for (int j = 0; j < lk; j++) {
                        double dot = 0;
                        for (int t = 0; t < d; t++) {
                            dot += q.getDouble(((n * hq + h) * lq + i) * d + t) * k.getDouble(((n * hkv + g) * lk + j) * d + t);
                        }
                        double s = dot * scale;
                        double[] stages = new double[4];
                        stages[0] = s;
                        s = softcap > 0 ? softcap * Math.tanh(s / softcap) : s;
                        stages[1] = s;
                        s += bias[n][i][j];
                        stages[2] = s;
                        row[j] = s;
                        qk[((n * hq + h) * lq + i) * lk + j] = stages[Math.min(mode, 2)];
                    }
                    double max = Arrays.stream(row).max().orElse(NEG_INF);
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        row[j] = max == NEG_INF ? 0 : Math.exp(row[j] - max);
                        sum += row[j];
                    }
                    for (int j = 0; j < lk; j++) {
                        double p = sum == 0 ? 0 : row[j] / sum;
                        if (mode == 3) {
                            qk[((n * hq + h) * lq + i) * lk + j] = p;
                        }
                        for (int t = 0; t < dv; t++) {
                            y[((n * hq + h) * lq + i) * dv + t] += p * v.getDouble(((n * hkv + g) * lk + j) * dv + t);
                        }
                    }
                }
            }
        }
        return new double[][] {y, qk};
    }

    private static void assertClose(double[] expected, RuntimeValue actual) {
        Tensor t = (Tensor) actual;
        TensorAssert.assertClose(Tensor.of(expected, t.dims()), t, 1e-9, 1e-12);
    }

    @Test
    void softcapIsAppliedBeforeTheMaskAndModesOneAndTwoExposeEachStage() {
        Tensor q = random(1, 2, 3, 4);
        Tensor k = random(1, 2, 5, 4);
        Tensor v = random(1, 2, 5, 4);
        double[] m = new double[3 * 5];
        double[][][] bias = new double[1][3][5];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                m[i * 5 + j] = j == 4 ? NEG_INF : RANDOM.nextDouble();
                bias[0][i][j] = m[i * 5 + j];
            }
        }
        Tensor mask = Tensor.of(m, 3, 5);
        for (int mode = 1; mode <= 2; mode++) {
            Node n = Node.builder("Attention").inputs("Q", "K", "V", "M").outputs("Y", "", "", "QK")
                    .attr("softcap", 0.7f).attr("qk_matmul_output_mode", (long) mode).build();
            List<RuntimeValue> out = KernelHarness.run(n, 23, Arrays.asList(q, k, v, mask));
            double[][] ref = reference(q, k, v, bias, 0.7f, 0.5, mode);
            assertClose(ref[0], out.get(0));
            assertClose(ref[1], out.get(3));
        }
    }

    @Test
    void nonpadLengthsShiftTheCausalFrontierAndEmptyRowsAreZero() {
        // per-batch valid keys 2 and 6 with 4 queries: offsets -2 (rows 0 and 1 see nothing) and 2
        long[] nonpad = {2, 6};
        Tensor q = random(2, 4, 4, 8);
        Tensor k = random(2, 2, 6, 8);
        Tensor v = random(2, 2, 6, 3);
        double[][][] bias = new double[2][4][6];
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 6; j++) {
                    bias[b][i][j] = j >= nonpad[b] || j > i + nonpad[b] - 4 ? NEG_INF : 0;
                }
            }
        }
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "", "", "", "L").outputs("Y").attr("is_causal", 1L).build();
        List<RuntimeValue> out = KernelHarness.run(n, 24, Arrays.asList(q, k, v, null, null, null, Tensor.of(nonpad, 2)));
        double[] expected = reference(q, k, v, bias, 0, 1 / Math.sqrt(8), 0)[0];
        assertClose(expected, out.get(0));
        assertEquals(0.0, ((Tensor) out.get(0)).getDouble(0));
    }

    @Test
    void shortBooleanMaskIsPaddedWithMinusInfinityAndFullyMaskedRowsGiveZeros() {
        Tensor q = random(1, 1, 3, 4);
        Tensor k = random(1, 1, 5, 4);
        Tensor v = random(1, 1, 5, 2);
        boolean[] keep = {false, false, false, true, false, true, true, true, true};
        double[][][] bias = new double[1][3][5];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                bias[0][i][j] = j < 3 && keep[i * 3 + j] ? 0 : NEG_INF;
            }
        }
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "M").outputs("Y", "", "", "QK").attr("qk_matmul_output_mode", 3L).build();
        List<RuntimeValue> out = KernelHarness.run(n, 23, Arrays.asList(q, k, v, Tensor.of(keep, 3, 3)));
        double[][] ref = reference(q, k, v, bias, 0, 0.5, 3);
        assertClose(ref[0], out.get(0));
        assertClose(ref[1], out.get(3));
        assertEquals(0.0, ((Tensor) out.get(3)).getDouble(2));
    }
}
