package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

import java.util.List;

/**
 * LSTM, GRU and RNN, differentiated by unrolling over the (static) sequence length into IR ops that every
 * backend runs: the forward steps are recomputed, then back-propagated through time (see
 * {@link RecurrentUnroll}). Supported: every direction, layout 0 and 1, B, initial_h and initial_c present
 * or absent, GRU linear_before_reset 0 and 1, any subset of the outputs used, the default activations
 * (Sigmoid/Tanh). Anything else (clip, other activations, input_forget, peepholes, sequence_lens, a
 * sequence length unknown before the run) fails with an {@link UnsupportedOpException} naming the node and
 * the attribute or input.
 */
public final class RecurrentRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "LSTM", g -> RecurrentUnroll.backward(g, 4, check(g, List.of("Sigmoid", "Tanh", "Tanh")), LstmCell::new));
        r.add("", "GRU", g -> RecurrentUnroll.backward(g, 3, check(g, List.of("Sigmoid", "Tanh")),
                g.node().getInt("linear_before_reset", 0) != 0 ? GruCell::linearBeforeReset : GruCell::resetBeforeLinear));
        r.add("", "RNN", g -> RecurrentUnroll.backward(g, 1, check(g, List.of("Tanh")), RnnCell::new));
    }

    /** Rejects what the unrolled gradient does not cover; returns the hidden size. */
    private static int check(GradientContext g, List<String> defaults) {
        Node n = g.node();
        if (n.hasAttribute("clip")) {
            throw unsupported(n, "attribute 'clip' (cell clipping is not differentiated)");
        }
        if (n.getInt("input_forget", 0) != 0) {
            throw unsupported(n, "attribute 'input_forget' = 1 (only 0 is supported)");
        }
        if (n.hasAttribute("activations")) {
            List<String> acts = n.attribute("activations").asStrings();
            for (int i = 0; i < acts.size(); i++) {
                if (!acts.get(i).equalsIgnoreCase(defaults.get(i % defaults.size()))) {
                    throw unsupported(n, "attribute 'activations' = " + acts + " (only the defaults " + defaults + " per direction are supported)");
                }
            }
        }
        if (n.hasInput(4)) {
            throw unsupported(n, "input 'sequence_lens' (only full-length sequences are supported; omit it)");
        }
        if (n.hasInput(7)) {
            throw unsupported(n, "input 'P' (peepholes are not supported)");
        }
        String x = g.input(0);
        Shape s = g.shape(x);
        int timeAxis = (int) n.getInt("layout", 0) == 1 ? 1 : 0;
        if (s == null || s.rank() != 3 || !s.isKnown(timeAxis)) {
            throw unsupported(n, "input 'X' with a sequence length unknown before the run (" + (s == null ? "no shape" : s)
                    + "); the gradient unrolls over a static sequence length");
        }
        long hidden = n.getInt("hidden_size", -1);
        Shape r = g.shape(g.input(2));
        if (hidden <= 0 && r != null && r.rank() == 3 && r.isKnown(2)) {
            hidden = r.dim(2);
        }
        if (hidden <= 0) {
            throw unsupported(n, "attribute 'hidden_size' absent and R without a static shape");
        }
        return (int) hidden;
    }

    private static UnsupportedOpException unsupported(Node n, String what) {
        return new UnsupportedOpException(n.opType(), n.domain(), -1, "autodiff: the gradient of " + n.describe() + " does not support " + what);
    }
}
