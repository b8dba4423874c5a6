package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

import java.util.function.BiFunction;

/** Rules for elementwise unary math and activations: dX = dY * f'(X), written with the forward output where cheaper. */
public final class UnaryRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        unary(r, "Identity", (g, dy) -> dy);
        unary(r, "Neg", (g, dy) -> g.neg(dy));
        unary(r, "Exp", (g, dy) -> g.mul(dy, y(g)));
        unary(r, "Log", (g, dy) -> g.div(dy, x(g)));
        unary(r, "Sqrt", (g, dy) -> g.div(g.mul(dy, g.scalar(0.5, x(g))), y(g)));
        unary(r, "Abs", (g, dy) -> g.mul(dy, g.op("Sign", x(g))));
        unary(r, "Reciprocal", (g, dy) -> g.neg(g.mul(dy, g.mul(y(g), y(g)))));
        unary(r, "Sin", (g, dy) -> g.mul(dy, g.op("Cos", x(g))));
        unary(r, "Cos", (g, dy) -> g.neg(g.mul(dy, g.op("Sin", x(g)))));
        unary(r, "Sigmoid", (g, dy) -> g.mul(dy, g.mul(y(g), g.sub(g.scalar(1, y(g)), y(g)))));
        unary(r, "Tanh", (g, dy) -> g.mul(dy, g.sub(g.scalar(1, y(g)), g.mul(y(g), y(g)))));
        unary(r, "Relu", (g, dy) -> positive(g, dy, g.scalar(0, x(g))));
        unary(r, "LeakyRelu", (g, dy) -> positive(g, dy, g.mul(dy, g.scalar(g.node().getFloat("alpha", 0.01f), x(g)))));
        unary(r, "Elu", (g, dy) -> positive(g, dy,
                g.mul(dy, g.add(y(g), g.scalar(g.node().getFloat("alpha", 1f), x(g))))));
        unary(r, "Selu", UnaryRules::selu);
        unary(r, "Softplus", (g, dy) -> g.mul(dy, g.op("Sigmoid", x(g))));
        unary(r, "Erf", (g, dy) -> g.mul(dy, g.mul(g.scalar(2 / Math.sqrt(Math.PI), x(g)),
                g.op("Exp", g.neg(g.mul(x(g), x(g)))))));
        unary(r, "Gelu", UnaryRules::gelu);
        unary(r, "Cast", (g, dy) -> g.op("CastLike", dy, x(g)));
        unary(r, "CastLike", (g, dy) -> g.op("CastLike", dy, x(g)));
        unary(r, "Tan", (g, dy) -> g.mul(dy, g.add(g.scalar(1, y(g)), g.mul(y(g), y(g)))));
        unary(r, "Asin", (g, dy) -> g.div(dy, g.op("Sqrt", oneMinusSquare(g))));
        unary(r, "Acos", (g, dy) -> g.neg(g.div(dy, g.op("Sqrt", oneMinusSquare(g)))));
        unary(r, "Atan", (g, dy) -> g.div(dy, g.add(g.scalar(1, x(g)), g.mul(x(g), x(g)))));
        unary(r, "Sinh", (g, dy) -> g.mul(dy, g.op("Cosh", x(g))));
        unary(r, "Cosh", (g, dy) -> g.mul(dy, g.op("Sinh", x(g))));
        unary(r, "Asinh", (g, dy) -> g.div(dy, g.op("Sqrt", g.add(g.mul(x(g), x(g)), g.scalar(1, x(g))))));
        unary(r, "Acosh", (g, dy) -> g.div(dy, g.op("Sqrt", g.sub(g.mul(x(g), x(g)), g.scalar(1, x(g))))));
        unary(r, "Atanh", (g, dy) -> g.div(dy, oneMinusSquare(g)));
        unary(r, "Softsign", (g, dy) -> {
            String d = g.add(g.scalar(1, x(g)), g.op("Abs", x(g)));
            return g.div(dy, g.mul(d, d));
        });
        unary(r, "ThresholdedRelu", (g, dy) -> g.op("Where", g.op("Greater", x(g), g.scalar(g.node().getFloat("alpha", 1f), x(g))), dy,
                g.scalar(0, x(g))));
        unary(r, "Shrink", (g, dy) -> g.op("Where", g.op("Greater", g.op("Abs", x(g)), g.scalar(g.node().getFloat("lambd", 0.5f), x(g))), dy,
                g.scalar(0, x(g))));
        unary(r, "HardSigmoid", (g, dy) -> hardSigmoid(g, dy, g.node().getFloat("alpha", 0.2f), g.node().getFloat("beta", 0.5f)));
        unary(r, "HardSwish", UnaryRules::hardSwish);
        unary(r, "Celu", (g, dy) -> {
            double alpha = g.node().getFloat("alpha", 1f);
            return positive(g, dy, g.mul(dy, g.add(g.div(y(g), g.scalar(alpha, x(g))), g.scalar(1, x(g)))));
        });
        unary(r, "Mish", UnaryRules::mish);
        r.add("", "PRelu", UnaryRules::prelu);
        r.add("", "Clip", UnaryRules::clip);
        // piecewise constant: the derivative is zero wherever it exists, so no gradient flows back
        for (String op : new String[] {"Floor", "Ceil", "Round", "Sign"}) {
            r.add("", op, g -> { });
        }
    }

    private static void unary(GradientRules.Registrar r, String op, BiFunction<GradientContext, String, String> dx) {
        r.add("", op, g -> {
            if (g.needsGradient(0)) {
                g.setGradient(0, dx.apply(g, g.gradient()));
            }
        });
    }

    private static String x(GradientContext g) {
        return g.input(0);
    }

    private static String y(GradientContext g) {
        return g.output(0);
    }

    private static String oneMinusSquare(GradientContext g) {
        return g.sub(g.scalar(1, x(g)), g.mul(x(g), x(g)));
    }

    /** y = max(0, min(1, alpha x + beta)): slope alpha where 0 < alpha x + beta < 1. */
    private static String hardSigmoid(GradientContext g, String dy, double alpha, double beta) {
        String x = x(g);
        String t = g.add(g.mul(x, g.scalar(alpha, x)), g.scalar(beta, x));
        String inside = g.op("And", g.op("Greater", t, g.scalar(0, x)), g.op("Less", t, g.scalar(1, x)));
        return g.op("Where", inside, g.mul(dy, g.scalar(alpha, x)), g.scalar(0, x));
    }

    /** y = x hardsigmoid(x) with alpha 1/6, beta 1/2: slope 0 below -3, 1 above 3, (2x + 3)/6 between. */
    private static String hardSwish(GradientContext g, String dy) {
        String x = x(g);
        String middle = g.mul(g.add(g.mul(x, g.scalar(2, x)), g.scalar(3, x)), g.scalar(1.0 / 6, x));
        String slope = g.op("Where", g.op("Less", x, g.scalar(-3, x)), g.scalar(0, x),
                g.op("Where", g.op("Greater", x, g.scalar(3, x)), g.scalar(1, x), middle));
        return g.mul(dy, slope);
    }

    /** y = x tanh(sp), sp = softplus(x): y' = tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x). */
    private static String mish(GradientContext g, String dy) {
        String x = x(g);
        String t = g.op("Tanh", g.op("Softplus", x));
        String slope = g.add(t, g.mul(g.mul(x, g.sub(g.scalar(1, x), g.mul(t, t))), g.op("Sigmoid", x)));
        return g.mul(dy, slope);
    }

    /** y = x (x > 0), slope x otherwise, slope broadcast against x. */
    private static void prelu(GradientContext g) {
        String x = x(g);
        String dy = g.gradient();
        String pos = g.op("Greater", x, g.scalar(0, x));
        String zero = g.scalar(0, x);
        if (g.needsGradient(0)) {
            g.setGradient(0, g.unbroadcast(g.op("Where", pos, dy, g.mul(dy, g.input(1))), g.output(0), x));
        }
        if (g.needsGradient(1)) {
            g.setGradient(1, g.unbroadcast(g.op("Where", pos, zero, g.mul(dy, x)), g.output(0), g.input(1)));
        }
    }

    /** dY where X > 0, else {@code otherwise}. */
    private static String positive(GradientContext g, String dy, String otherwise) {
        return g.op("Where", g.op("Greater", x(g), g.scalar(0, x(g))), dy, otherwise);
    }

    /** selu = gamma x (x > 0), gamma alpha (e^x - 1) otherwise; the latter's slope is y + gamma alpha. */
    private static String selu(GradientContext g, String dy) {
        double alpha = g.node().getFloat("alpha", 1.67326319217681884765625f);
        double gamma = g.node().getFloat("gamma", 1.05070102214813232421875f);
        return positive(g, g.mul(dy, g.scalar(gamma, x(g))),
                g.mul(dy, g.add(y(g), g.scalar(alpha * gamma, x(g)))));
    }

    private static String gelu(GradientContext g, String dy) {
        String x = x(g);
        if (g.node().getString("approximate", "none").equals("tanh")) {
            // y = x/2 (1 + tanh u), u = c (x + k x^3): y' = (1 + t)/2 + x/2 (1 - t^2) c (1 + 3k x^2)
            double c = Math.sqrt(2 / Math.PI);
            double k = 0.044715;
            String x2 = g.mul(x, x);
            String u = g.mul(g.scalar(c, x), g.add(x, g.mul(g.scalar(k, x), g.mul(x2, x))));
            String t = g.op("Tanh", u);
            String one = g.scalar(1, x);
            String half = g.scalar(0.5, x);
            String du = g.mul(g.scalar(c, x), g.add(one, g.mul(g.scalar(3 * k, x), x2)));
            String slope = g.add(g.mul(half, g.add(one, t)), g.mul(g.mul(half, x), g.mul(g.sub(one, g.mul(t, t)), du)));
            return g.mul(dy, slope);
        }
        // y = x/2 (1 + erf(x/sqrt 2)): y' = (1 + erf(x/sqrt 2))/2 + x exp(-x^2/2)/sqrt(2 pi)
        String cdf = g.mul(g.scalar(0.5, x), g.add(g.scalar(1, x), g.op("Erf", g.mul(x, g.scalar(1 / Math.sqrt(2), x)))));
        String pdf = g.mul(g.scalar(1 / Math.sqrt(2 * Math.PI), x), g.op("Exp", g.mul(g.mul(x, x), g.scalar(-0.5, x))));
        return g.mul(dy, g.add(cdf, g.mul(x, pdf)));
    }

    /** The gradient passes where min <= x <= max; a bound receives the gradient of the elements it clipped. */
    private static void clip(GradientContext g) {
        String x = x(g);
        String dy = g.gradient();
        String zero = g.scalar(0, x);
        String inside = null;
        for (int i = 1; i <= 2; i++) {
            if (!g.node().hasInput(i)) {
                continue;
            }
            String bound = g.input(i);
            String cmp = g.op(i == 1 ? "GreaterOrEqual" : "LessOrEqual", x, bound);
            inside = inside == null ? cmp : g.op("And", inside, cmp);
            if (g.needsGradient(i)) {
                String beyond = g.op(i == 1 ? "Less" : "Greater", x, bound);
                g.setGradient(i, g.emit(Node.builder("ReduceSum").input(g.op("Where", beyond, dy, zero)).attr("keepdims", 0L)));
            }
        }
        if (g.needsGradient(0)) {
            g.setGradient(0, inside == null ? dy : g.op("Where", inside, dy, zero));
        }
    }
}
