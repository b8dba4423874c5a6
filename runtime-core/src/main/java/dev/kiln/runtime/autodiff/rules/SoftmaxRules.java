package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/** Rules for Softmax and LogSoftmax (one axis, opset 13 semantics). */
public final class SoftmaxRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "Softmax", g -> {
            // dX = Y (dY - sum(dY Y))
            String y = g.output(0);
            String dy = g.gradient();
            g.setGradient(0, g.mul(y, g.sub(dy, sumAlongAxis(g, g.mul(dy, y)))));
        });
        r.add("", "LogSoftmax", g -> {
            // dX = dY - exp(Y) sum(dY)
            String dy = g.gradient();
            g.setGradient(0, g.sub(dy, g.mul(g.op("Exp", g.output(0)), sumAlongAxis(g, dy))));
        });
    }

    private static String sumAlongAxis(GradientContext g, String v) {
        int axis = g.axis(g.node().getInt("axis", -1), g.input(0));
        return g.emit(Node.builder("ReduceSum").inputs(v, g.ints(axis)).attr("keepdims", 1L));
    }
}
