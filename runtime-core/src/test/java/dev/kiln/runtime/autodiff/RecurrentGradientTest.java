package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * LSTM, GRU and RNN gradients against central differences in float64, with respect to X, W, R, B,
 * initial_h and initial_c, over random small shapes: every direction, both layouts, optional inputs present
 * and absent, GRU linear_before_reset 0 and 1, and subsets of the outputs (Y, Y_h, Y_c) in the loss.
 */
class RecurrentGradientTest {
    /** One configuration; {@code absent} lists the outputs left out of the node. */
    record Config(String op, String direction, int layout, boolean bias, boolean initialH, boolean initialC, int linearBeforeReset,
                  int[] absent) {
        int gates() {
            return switch (op) {
                case "LSTM" -> 4;
                case "GRU" -> 3;
                default -> 1;
            };
        }

        int outputs() {
            return op.equals("LSTM") ? 3 : 2;
        }

        @Override
        public String toString() {
            List<String> used = new ArrayList<>();
            String[] names = {"Y", "Y_h", "Y_c"};
            for (int k = 0; k < outputs(); k++) {
                final int kk = k;
                if (java.util.Arrays.stream(absent).noneMatch(a -> a == kk)) {
                    used.add(names[k]);
                }
            }
            return op + " " + direction + " layout " + layout + (bias ? " B" : "") + (initialH ? " initial_h" : "")
                    + (initialC ? " initial_c" : "") + (op.equals("GRU") ? " lbr " + linearBeforeReset : "") + " outputs " + used;
        }
    }

    static Stream<Config> configs() {
        int[] none = {};
        return Stream.of(
                new Config("LSTM", "forward", 0, true, true, true, 0, none),
                new Config("LSTM", "reverse", 0, false, false, false, 0, new int[] {1, 2}),
                new Config("LSTM", "bidirectional", 0, true, true, true, 0, new int[] {0}),
                new Config("LSTM", "bidirectional", 1, true, true, true, 0, none),
                new Config("LSTM", "forward", 1, false, true, false, 0, new int[] {0, 1}),
                new Config("LSTM", "reverse", 1, true, false, true, 0, new int[] {0, 2}),
                new Config("LSTM", "bidirectional", 0, false, false, false, 0, new int[] {1}),
                new Config("GRU", "forward", 0, true, true, false, 0, none),
                new Config("GRU", "forward", 0, true, true, false, 1, none),
                new Config("GRU", "reverse", 0, true, false, false, 1, new int[] {1}),
                new Config("GRU", "reverse", 1, false, true, false, 0, new int[] {0}),
                new Config("GRU", "bidirectional", 0, false, true, false, 0, new int[] {0}),
                new Config("GRU", "bidirectional", 1, true, true, false, 1, none),
                new Config("GRU", "bidirectional", 0, false, false, false, 1, new int[] {1}),
                new Config("GRU", "forward", 1, true, false, false, 0, new int[] {1}),
                new Config("RNN", "forward", 0, true, true, false, 0, none),
                new Config("RNN", "reverse", 1, false, false, false, 0, new int[] {1}),
                new Config("RNN", "bidirectional", 0, true, true, false, 0, new int[] {0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void matchesFiniteDifferences(Config c) {
        Random random = new Random(c.toString().hashCode());
        int seq = 2 + random.nextInt(3);
        int batch = 1 + random.nextInt(3);
        int input = 1 + random.nextInt(4);
        int hidden = 1 + random.nextInt(3);
        int dirs = c.direction().equals("bidirectional") ? 2 : 1;
        int gh = c.gates() * hidden;
        GradientChecker check = GradientChecker.of(c.op()).label(c + " [seq " + seq + ", batch " + batch + ", input " + input + ", hidden " + hidden + "]").outputs(c.outputs()).absentOutputs(c.absent())
                .input(c.layout() == 0 ? new long[] {seq, batch, input} : new long[] {batch, seq, input})
                .input(-1.0, 1.0, dirs, gh, input).input(-1.0, 1.0, dirs, gh, hidden);
        long[] state = c.layout() == 0 ? new long[] {dirs, batch, hidden} : new long[] {batch, dirs, hidden};
        if (c.bias()) {
            check.input(-1.0, 1.0, dirs, 2 * gh);
        } else if (c.initialH() || c.initialC()) {
            check.absent();
        }
        if (c.initialH() || c.initialC()) {
            check.absent();
            if (c.initialH()) {
                check.input(-1.0, 1.0, state);
            } else {
                check.absent();
            }
            if (c.initialC()) {
                check.input(-1.0, 1.0, state);
            }
        }
        check.attrs(b -> {
            b.attr("hidden_size", (long) hidden).attr("direction", c.direction()).attr("layout", (long) c.layout());
            if (c.op().equals("GRU")) {
                b.attr("linear_before_reset", (long) c.linearBeforeReset());
            }
        });
        double worst = check.check();
        assertTrue(worst < GradientChecker.TOLERANCE);
    }

    @Test
    void unsupportedAttributesAndInputsAreNamed() {
        assertUnsupported(GradientChecker.of("LSTM").input(2, 1, 3).input(1, 8, 3).input(1, 8, 2).attrs(b -> b.attr("hidden_size", 2L).attr("clip", 1f)),
                "clip");
        assertUnsupported(GradientChecker.of("GRU").input(2, 1, 3).input(1, 6, 3).input(1, 6, 2)
                .attrs(b -> b.attr("hidden_size", 2L).attribute(Attribute.strings("activations", List.of("Sigmoid", "Relu")))), "activations");
        assertUnsupported(GradientChecker.of("RNN").input(2, 1, 3).input(1, 2, 3).input(1, 2, 2).absent()
                .constant(Tensor.of(new int[] {2}, 1)).attrs(b -> b.attr("hidden_size", 2L)), "sequence_lens");
        assertUnsupported(GradientChecker.of("LSTM").input(2, 1, 3).input(1, 8, 3).input(1, 8, 2).absent().absent().absent().absent()
                .input(1, 6).attrs(b -> b.attr("hidden_size", 2L)), "'P'");
    }

    private static void assertUnsupported(GradientChecker check, String what) {
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, check::check);
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains("'op'"), e.getMessage());
    }
}
