package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/** Rules for the broadcasting arithmetic ops and the variadic Sum/Mean/Min/Max. */
public final class ArithmeticRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "Add", g -> binary(g, g.gradient(), g.gradient()));
        r.add("", "Sub", g -> binary(g, g.gradient(), g.needsGradient(1) ? g.neg(g.gradient()) : null));
        r.add("", "Mul", g -> binary(g, g.needsGradient(0) ? g.mul(g.gradient(), g.input(1)) : null,
                g.needsGradient(1) ? g.mul(g.gradient(), g.input(0)) : null));
        r.add("", "Div", g -> binary(g, g.needsGradient(0) ? g.div(g.gradient(), g.input(1)) : null,
                g.needsGradient(1) ? g.neg(g.div(g.mul(g.gradient(), g.output(0)), g.input(1))) : null));
        r.add("", "Pow", ArithmeticRules::pow);
        r.add("", "Sum", g -> {
            for (int i = 0; i < g.node().inputs().size(); i++) {
                g.setGradient(i, g.unbroadcast(g.gradient(), g.output(0), g.input(i)));
            }
        });
        r.add("", "Mean", g -> {
            String scaled = g.mul(g.gradient(), g.scalar(1.0 / g.node().inputs().size(), g.output(0)));
            for (int i = 0; i < g.node().inputs().size(); i++) {
                g.setGradient(i, g.unbroadcast(scaled, g.output(0), g.input(i)));
            }
        });
        r.add("", "Min", ArithmeticRules::extremum);
        r.add("", "Max", ArithmeticRules::extremum);
    }

    /** Sets both operands' gradients (null: not needed), summing each over the axes it was broadcast along. */
    static void binary(GradientContext g, String ga, String gb) {
        if (g.needsGradient(0) && ga != null) {
            g.setGradient(0, g.unbroadcast(ga, g.output(0), g.input(0)));
        }
        if (g.needsGradient(1) && gb != null) {
            g.setGradient(1, g.unbroadcast(gb, g.output(0), g.input(1)));
        }
    }

    /** d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a. */
    private static void pow(GradientContext g) {
        String a = g.input(0);
        String b = g.input(1);
        String dy = g.gradient();
        String ga = null;
        String gb = null;
        Tensor exponent = g.constantValue(b);
        if (g.needsGradient(0) && exponent != null && exponent.elementCount() == 1 && exponent.getDouble(0) == 2) {
            // squares (variance in layer norms written out): 2 a dy, without an elementwise Pow
            ga = g.mul(dy, g.mul(a, g.scalar(2, a)));
        } else if (g.needsGradient(0)) {
            String bf = g.dtype(b) == g.dtype(a) && g.dtype(a) != null ? b : g.op("CastLike", b, a);
            ga = g.mul(dy, g.mul(bf, g.op("Pow", a, g.sub(bf, g.scalar(1, a)))));
        }
        if (g.needsGradient(1)) {
            gb = g.mul(dy, g.mul(g.output(0), g.op("Log", a)));
        }
        binary(g, ga, gb);
    }

    /** Each input equal to the result receives the gradient (ties all receive it). */
    private static void extremum(GradientContext g) {
        String zero = g.scalar(0, g.output(0));
        for (int i = 0; i < g.node().inputs().size(); i++) {
            if (g.needsGradient(i)) {
                String picked = g.op("Where", g.op("Equal", g.input(i), g.output(0)), g.gradient(), zero);
                g.setGradient(i, g.unbroadcast(picked, g.output(0), g.input(i)));
            }
        }
    }
}
