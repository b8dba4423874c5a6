package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/**
 * BatchNormalization (training and inference mode), LayerNormalization and InstanceNormalization. The
 * statistics are recomputed in the backward graph from X; with x^ = (x - mean) invstd over the normalized
 * axes and g = dY * scale, dX = invstd (g - mean(g) - x^ mean(g x^)).
 */
public final class NormalizationRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "LayerNormalization", NormalizationRules::layerNorm);
        r.add("", "InstanceNormalization", NormalizationRules::instanceNorm);
        r.add("", "BatchNormalization", NormalizationRules::batchNorm);
    }

    /** The normalized input and its inverse standard deviation over {@code axes} (kept dims). */
    private record Normalized(String xhat, String invstd) {
    }

    private static Normalized normalize(GradientContext g, String x, long[] axes, double eps) {
        String ax = g.ints(axes);
        String mean = g.emit(Node.builder("ReduceMean").inputs(x, ax).attr("keepdims", 1L));
        String centered = g.sub(x, mean);
        String var = g.emit(Node.builder("ReduceMean").inputs(g.mul(centered, centered), ax).attr("keepdims", 1L));
        String invstd = g.op("Reciprocal", g.op("Sqrt", g.add(var, g.scalar(eps, x))));
        return new Normalized(g.mul(centered, invstd), invstd);
    }

    private static String inputGradient(GradientContext g, Normalized n, String scaledDy, long[] axes) {
        String ax = g.ints(axes);
        String meanG = g.emit(Node.builder("ReduceMean").inputs(scaledDy, ax).attr("keepdims", 1L));
        String meanGx = g.emit(Node.builder("ReduceMean").inputs(g.mul(scaledDy, n.xhat()), ax).attr("keepdims", 1L));
        return g.mul(n.invstd(), g.sub(g.sub(scaledDy, meanG), g.mul(n.xhat(), meanGx)));
    }

    private static long[] from(int start, int end) {
        long[] a = new long[end - start];
        for (int i = 0; i < a.length; i++) {
            a[i] = start + i;
        }
        return a;
    }

    private static void layerNorm(GradientContext g) {
        String x = g.input(0);
        int rank = g.rank(x);
        long[] axes = from(g.axis(g.node().getInt("axis", -1), x), rank);
        Normalized n = normalize(g, x, axes, g.node().getFloat("epsilon", 1e-5f));
        String dy = g.gradient();
        if (g.needsGradient(0)) {
            g.setGradient(0, inputGradient(g, n, g.mul(dy, g.input(1)), axes));
        }
        if (g.needsGradient(1)) {
            g.setGradient(1, g.unbroadcast(g.mul(dy, n.xhat()), x, g.input(1)));
        }
        if (g.needsGradient(2)) {
            g.setGradient(2, g.unbroadcast(dy, x, g.input(2)));
        }
    }

    /** scale and bias are per channel [C]: unsqueezed to [C, 1, ...] to broadcast against [N, C, ...]. */
    private static String perChannel(GradientContext g, String v, int rank) {
        return rank <= 2 ? v : g.op("Unsqueeze", v, g.ints(from(1, rank - 1)));
    }

    private static void sumPerChannel(GradientContext g, int input, String v, int rank) {
        long[] axes = from(1, rank);
        axes[0] = 0;
        g.setGradient(input, g.emit(Node.builder("ReduceSum").inputs(v, g.ints(axes)).attr("keepdims", 0L)));
    }

    private static void instanceNorm(GradientContext g) {
        String x = g.input(0);
        int rank = g.rank(x);
        long[] axes = from(2, rank);
        Normalized n = normalize(g, x, axes, g.node().getFloat("epsilon", 1e-5f));
        String dy = g.gradient();
        if (g.needsGradient(0)) {
            g.setGradient(0, inputGradient(g, n, g.mul(dy, perChannel(g, g.input(1), rank)), axes));
        }
        if (g.needsGradient(1)) {
            sumPerChannel(g, 1, g.mul(dy, n.xhat()), rank);
        }
        if (g.needsGradient(2)) {
            sumPerChannel(g, 2, dy, rank);
        }
    }

    private static void batchNorm(GradientContext g) {
        if (!g.hasOutputGradient(0)) {
            return;
        }
        String x = g.input(0);
        int rank = g.rank(x);
        long[] axes = from(1, rank);
        axes[0] = 0;
        double eps = g.node().getFloat("epsilon", 1e-5f);
        String dy = g.gradient();
        String scale = perChannel(g, g.input(1), rank);
        if (g.node().getInt("training_mode", 0) != 0) {
            Normalized n = normalize(g, x, axes, eps);
            if (g.needsGradient(0)) {
                g.setGradient(0, inputGradient(g, n, g.mul(dy, scale), axes));
            }
            if (g.needsGradient(1)) {
                sumPerChannel(g, 1, g.mul(dy, n.xhat()), rank);
            }
            if (g.needsGradient(2)) {
                sumPerChannel(g, 2, dy, rank);
            }
            return;
        }
        // inference: fixed statistics, so y is affine in x, scale, bias and simple in mean and var
        String mean = perChannel(g, g.input(3), rank);
        String varEps = g.add(perChannel(g, g.input(4), rank), g.scalar(eps, x));
        String invstd = g.op("Reciprocal", g.op("Sqrt", varEps));
        String centered = g.sub(x, mean);
        String dxhat = g.mul(dy, scale);
        if (g.needsGradient(0)) {
            g.setGradient(0, g.mul(dxhat, invstd));
        }
        if (g.needsGradient(1)) {
            sumPerChannel(g, 1, g.mul(dy, g.mul(centered, invstd)), rank);
        }
        if (g.needsGradient(2)) {
            sumPerChannel(g, 2, dy, rank);
        }
        if (g.needsGradient(3)) {
            sumPerChannel(g, 3, g.neg(g.mul(dxhat, invstd)), rank);
        }
        if (g.needsGradient(4)) {
            String d = g.mul(g.mul(dxhat, centered), g.mul(g.scalar(-0.5, x), g.div(invstd, varEps)));
            sumPerChannel(g, 4, d, rank);
        }
    }
}
