package dev.kiln.backend.cpu.kernels.loss;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss against ONNX Runtime on random inputs. */
class LossOrtTest {
    private static final int OPSET = 13;
    private final Random random = new Random(7);

    private Tensor scores(long... dims) {
        float[] v = new float[(int) count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 6 - 3;
        }
        return Tensor.of(v, dims);
    }

    /** Labels in [0, c), about a quarter of them replaced by {@code ignore} when it is not null. */
    private Tensor labels(int c, Long ignore, long... dims) {
        long[] v = new long[(int) count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = ignore != null && random.nextInt(4) == 0 ? ignore : random.nextInt(c);
        }
        return Tensor.of(v, dims);
    }

    private Tensor weights(int c) {
        float[] v = new float[c];
        for (int i = 0; i < c; i++) {
            v[i] = random.nextFloat() + 0.1f;
        }
        return Tensor.of(v, c);
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    private static Node node(String op, String reduction, Long ignore, boolean weighted, int outputs) {
        Node.Builder b = Node.builder(op).inputs(weighted ? new String[] {"x", "t", "w"} : new String[] {"x", "t"})
                .attr("reduction", reduction);
        b = outputs == 2 ? b.outputs("loss", "log_prob") : b.output("loss");
        return ignore == null ? b.build() : b.attr("ignore_index", ignore).build();
    }

    @Test
    void negativeLogLikelihoodMatchesOrt() {
        for (String reduction : new String[] {"none", "sum", "mean"}) {
            for (Long ignore : new Long[] {null, 1L, -5L}) {
                for (boolean weighted : new boolean[] {false, true}) {
                    Node n = node("NegativeLogLikelihoodLoss", reduction, ignore, weighted, 1);
                    Tensor x2 = scores(6, 5);
                    Tensor x4 = scores(3, 4, 5, 2);
                    if (weighted) {
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x2, labels(5, ignore, 6), weights(5));
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x4, labels(4, ignore, 3, 5, 2), weights(4));
                    } else {
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x2, labels(5, ignore, 6));
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x4, labels(4, ignore, 3, 5, 2));
                    }
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyMatchesOrtWithLogProb() {
        for (String reduction : new String[] {"none", "sum", "mean"}) {
            for (Long ignore : new Long[] {null, 2L}) {
                for (boolean weighted : new boolean[] {false, true}) {
                    Node n = node("SoftmaxCrossEntropyLoss", reduction, ignore, weighted, 2);
                    Tensor x = scores(4, 3, 2, 5);
                    Tensor t = labels(3, ignore, 4, 2, 5);
                    if (weighted) {
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x, t, weights(3));
                    } else {
                        KernelHarness.assertMatchesOrt(n, OPSET, 1e-5, 1e-5, x, t);
                    }
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyDoubleAndHalfMatchOrt() {
        Tensor f = scores(5, 7);
        double[] d = f.toDoubleArray();
        short[] h = new short[d.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = FloatFormats.floatToHalf((float) d[i]);
        }
        Node n = node("SoftmaxCrossEntropyLoss", "mean", null, false, 2);
        KernelHarness.assertMatchesOrt(n, OPSET, 1e-12, 1e-12, Tensor.of(d, 5, 7), labels(7, null, 5));
        KernelHarness.assertMatchesOrt(n, OPSET, 2e-3, 2e-3, Tensor.of(DType.FLOAT16, h, 5, 7), labels(7, null, 5));
    }
}
