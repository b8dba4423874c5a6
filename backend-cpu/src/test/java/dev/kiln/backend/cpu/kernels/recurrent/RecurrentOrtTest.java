package dev.kiln.backend.cpu.kernels.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RNN, GRU and LSTM against ONNX Runtime on random weights, over directions, sequence lengths, activations and clip. */
class RecurrentOrtTest {
    private static final Random RANDOM = new Random(11);
    private static final int SEQ = 5;
    private static final int BATCH = 3;
    private static final int INPUT = 4;
    private static final int HIDDEN = 6;

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 1.6f - 0.8f;
        }
        return Tensor.of(v, dims);
    }

    private static int gates(String op) {
        return switch (op) {
            case "RNN" -> 1;
            case "GRU" -> 3;
            default -> 4;
        };
    }

    @ParameterizedTest(name = "{0} {1} lens={2} acts={3} clip={4} extra={5}")
    @CsvSource({
        "RNN, forward, false, '', 0, ''",
        "RNN, reverse, true, '', 0, ''",
        "RNN, bidirectional, true, 'Relu Tanh', 0, ''",
        "RNN, forward, false, 'LeakyRelu', 0.5, ''",
        "GRU, forward, false, '', 0, ''",
        "GRU, reverse, true, '', 0, ''",
        "GRU, bidirectional, true, '', 0.7, ''",
        "GRU, forward, true, '', 0, linear_before_reset",
        "GRU, bidirectional, false, 'HardSigmoid Softsign HardSigmoid Tanh', 0, linear_before_reset",
        "LSTM, forward, false, '', 0, ''",
        "LSTM, reverse, true, '', 0, peepholes",
        "LSTM, bidirectional, true, '', 0.6, peepholes",
        "LSTM, forward, true, 'Sigmoid Elu Softplus', 0, input_forget",
        "LSTM, bidirectional, false, 'Sigmoid Tanh Tanh Sigmoid ScaledTanh Affine', 0, ''",
    })
    void matchesOrt(String op, String direction, boolean lens, String acts, float clip, String extra) {
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        int g = gates(op);
        boolean lstm = op.equals("LSTM");
        Node.Builder b = Node.builder(op).inputs(lstm ? new String[] {"X", "W", "R", "B", "L", "H0", "C0", "P"} : new String[] {"X", "W", "R", "B", "L", "H0"})
                .outputs(lstm ? new String[] {"Y", "Yh", "Yc"} : new String[] {"Y", "Yh"})
                .attr("hidden_size", HIDDEN).attr("direction", direction);
        if (!acts.isEmpty()) {
            b.attribute(Attribute.strings("activations", Arrays.asList(acts.split(" "))));
            b.attr("activation_alpha", new float[] {0.3f, 0.7f, 0.4f});
            b.attr("activation_beta", new float[] {0.2f, 0.6f});
        }
        if (clip > 0) {
            b.attr("clip", clip);
        }
        if (extra.equals("linear_before_reset") || extra.equals("input_forget")) {
            b.attr(extra, 1L);
        }
        Tensor lengths = lens ? Tensor.of(new int[] {5, 2, 4}, BATCH) : Tensor.of(new int[] {5, 5, 5}, BATCH);
        Tensor x = random(SEQ, BATCH, INPUT);
        Tensor w = random(dirs, g * HIDDEN, INPUT);
        Tensor r = random(dirs, g * HIDDEN, HIDDEN);
        Tensor bias = random(dirs, 2 * g * HIDDEN);
        Tensor h0 = random(dirs, BATCH, HIDDEN);
        Tensor[] inputs = lstm
                ? new Tensor[] {x, w, r, bias, lengths, h0, random(dirs, BATCH, HIDDEN), extra.equals("peepholes") ? random(dirs, 3 * HIDDEN) : Tensor.zeros(x.dtype(), dirs, 3 * HIDDEN)}
                : new Tensor[] {x, w, r, bias, lengths, h0};
        KernelHarness.assertMatchesOrt(b.build(), 22, 1e-4, 2e-5, inputs);
    }

    /** layout=1 (batch first) gives the layout=0 results with the batch and sequence axes swapped. */
    @ParameterizedTest
    @CsvSource({"RNN", "GRU", "LSTM"})
    void batchFirstLayoutTransposes(String op) {
        boolean lstm = op.equals("LSTM");
        int g = gates(op);
        String[] ins = lstm ? new String[] {"X", "W", "R", "B", "L", "H0", "C0"} : new String[] {"X", "W", "R", "B", "L", "H0"};
        String[] outs = lstm ? new String[] {"Y", "Yh", "Yc"} : new String[] {"Y", "Yh"};
        Node seqFirst = Node.builder(op).inputs(ins).outputs(outs).attr("hidden_size", HIDDEN).attr("direction", "bidirectional").build();
        Node batchFirst = seqFirst.toBuilder().attr("layout", 1L).build();
        Tensor x = random(SEQ, BATCH, INPUT);
        Tensor w = random(2, g * HIDDEN, INPUT);
        Tensor r = random(2, g * HIDDEN, HIDDEN);
        Tensor bias = random(2, 2 * g * HIDDEN);
        Tensor lengths = Tensor.of(new int[] {3, 5, 1}, BATCH);
        Tensor h0 = random(2, BATCH, HIDDEN);
        Tensor c0 = random(2, BATCH, HIDDEN);
        List<RuntimeValue> a = KernelHarness.run(seqFirst, KernelHarness.DEFAULT_OPSET,
                lstm ? List.of(x, w, r, bias, lengths, h0, c0) : List.of(x, w, r, bias, lengths, h0));
        List<RuntimeValue> bf = KernelHarness.run(batchFirst, KernelHarness.DEFAULT_OPSET, lstm
                ? List.of(swap01(x), w, r, bias, lengths, swap01(h0), swap01(c0)) : List.of(swap01(x), w, r, bias, lengths, swap01(h0)));
        Tensor y = (Tensor) a.get(0);
        Tensor yb = (Tensor) bf.get(0);
        assertEquals(Shape.of(BATCH, SEQ, 2, HIDDEN), yb.shape());
        float[] expected = new float[y.size()];
        for (int t = 0; t < SEQ; t++) {
            for (int d = 0; d < 2; d++) {
                for (int n = 0; n < BATCH; n++) {
                    System.arraycopy(y.floatData(), ((t * 2 + d) * BATCH + n) * HIDDEN, expected, ((n * SEQ + t) * 2 + d) * HIDDEN, HIDDEN);
                }
            }
        }
        assertEquals(null, TensorAssert.difference(Tensor.of(expected, BATCH, SEQ, 2, HIDDEN), yb, 0, 0));
        for (int s = 1; s < outs.length; s++) {
            assertEquals(null, TensorAssert.difference(swap01((Tensor) a.get(s)), (Tensor) bf.get(s), 0, 0));
        }
    }

    private static Tensor swap01(Tensor t) {
        int a = (int) t.dim(0);
        int b = (int) t.dim(1);
        int inner = (int) t.dim(2);
        float[] out = new float[t.size()];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(t.floatData(), (i * b + j) * inner, out, (j * a + i) * inner, inner);
            }
        }
        return Tensor.of(out, b, a, inner);
    }
}
