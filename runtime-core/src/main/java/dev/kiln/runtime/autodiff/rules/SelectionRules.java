package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/** Where, Dropout, CumSum and Resize. */
public final class SelectionRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "Where", g -> {
            String zero = g.scalar(0, g.output(0));
            if (g.needsGradient(1)) {
                g.setGradient(1, g.unbroadcast(g.op("Where", g.input(0), g.gradient(), zero), g.output(0), g.input(1)));
            }
            if (g.needsGradient(2)) {
                g.setGradient(2, g.unbroadcast(g.op("Where", g.input(0), zero, g.gradient()), g.output(0), g.input(2)));
            }
        });
        r.add("", "Dropout", SelectionRules::dropout);
        r.add("", "Resize", new ResizeRule());
        r.add("", "CumSum", g -> g.setGradient(0, g.emit(Node.builder("CumSum").inputs(g.gradient(), g.input(1))
                .attr("exclusive", g.node().getInt("exclusive", 0)).attr("reverse", g.node().getInt("reverse", 0) == 0 ? 1L : 0L))));
    }

    /**
     * Inference Dropout is the identity. In training mode dX = dY * mask / (1 - ratio), reading the mask
     * output (which {@link dev.kiln.runtime.autodiff.Autodiff} adds to the forward node when it is missing).
     */
    private static void dropout(GradientContext g) {
        String x = g.input(0);
        if (!g.node().hasInput(2)) {
            g.setGradient(0, g.gradient());
            return;
        }
        String one = g.scalar(1, x);
        String ratio = g.node().hasInput(1) ? g.op("CastLike", g.input(1), x) : g.scalar(0.5, x);
        String scale = g.op("Where", g.input(2), g.div(one, g.sub(one, ratio)), one);
        g.setGradient(0, g.op("Where", g.output(1), g.mul(g.gradient(), scale), g.scalar(0, x)));
    }
}
