package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/**
 * Rules for the Reduce* ops (axes as input, the canonical form). Each brings dY and, where needed, Y back
 * to the rank of X (Unsqueeze at the reduced axes when keepdims is 0) and broadcasts against X.
 */
public final class ReductionRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "ReduceSum", g -> g.setGradient(0, expand(g, kept(g, g.gradient()))));
        r.add("", "ReduceMean", g -> {
            String x = g.input(0);
            String count = g.div(g.op("CastLike", g.op("Size", x), x), g.op("CastLike", g.op("Size", g.output(0)), x));
            g.setGradient(0, expand(g, g.div(kept(g, g.gradient()), count)));
        });
        r.add("", "ReduceSumSquare", g -> g.setGradient(0,
                g.mul(kept(g, g.gradient()), g.mul(g.input(0), g.scalar(2, g.input(0))))));
        r.add("", "ReduceL1", g -> g.setGradient(0, g.mul(kept(g, g.gradient()), g.op("Sign", g.input(0)))));
        r.add("", "ReduceL2", g -> g.setGradient(0,
                g.mul(g.div(kept(g, g.gradient()), kept(g, g.output(0))), g.input(0))));
        r.add("", "ReduceLogSum", g -> g.setGradient(0,
                expand(g, g.mul(kept(g, g.gradient()), g.op("Exp", g.neg(kept(g, g.output(0))))))));
        r.add("", "ReduceLogSumExp", g -> g.setGradient(0,
                g.mul(kept(g, g.gradient()), g.op("Exp", g.sub(g.input(0), kept(g, g.output(0)))))));
        r.add("", "ReduceProd", g -> g.setGradient(0,
                g.div(g.mul(kept(g, g.gradient()), kept(g, g.output(0))), g.input(0))));
        r.add("", "ReduceMax", ReductionRules::extremum);
        r.add("", "ReduceMin", ReductionRules::extremum);
    }

    /** {@code v} (shaped like Y) with the reduced axes restored as extent 1, so it broadcasts against X. */
    static String kept(GradientContext g, String v) {
        boolean keepdims = g.node().getInt("keepdims", 1) != 0;
        if (keepdims || !g.node().hasInput(1)) {
            // without axes every axis is reduced: Y is a scalar (or all-ones shape) that broadcasts as it is
            return v;
        }
        return g.op("Unsqueeze", v, g.input(1));
    }

    private static String expand(GradientContext g, String v) {
        return g.op("Expand", v, g.shapeOf(g.input(0)));
    }

    /** The elements equal to the extremum receive the gradient (ties all receive it). */
    private static void extremum(GradientContext g) {
        String x = g.input(0);
        String hit = g.op("Equal", x, kept(g, g.output(0)));
        g.setGradient(0, g.op("Where", hit, expand(g, kept(g, g.gradient())), g.scalar(0, x)));
    }
}
