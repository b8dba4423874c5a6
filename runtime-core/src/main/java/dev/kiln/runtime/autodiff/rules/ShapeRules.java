package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

/** Rules for ops that only rearrange elements without repeating them: reshapes, transposes, concatenation, splits. */
public final class ShapeRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        for (String op : new String[] {"Reshape", "Flatten", "Squeeze", "Unsqueeze"}) {
            r.add("", op, g -> g.setGradient(0, g.op("Reshape", g.gradient(), g.shapeOf(g.input(0)))));
        }
        r.add("", "Transpose", ShapeRules::transpose);
        r.add("", "Expand", g -> g.setGradient(0, g.unbroadcast(g.gradient(), g.output(0), g.input(0))));
        r.add("", "Concat", ShapeRules::concat);
        r.add("", "Split", ShapeRules::split);
    }

    private static void transpose(GradientContext g) {
        long[] perm = g.node().getInts("perm", null);
        if (perm == null) {
            g.setGradient(0, g.op("Transpose", g.gradient()));
            return;
        }
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        g.setGradient(0, g.emit(Node.builder("Transpose").input(g.gradient()).attr("perm", inverse)));
    }

    /** Splits dY back into the inputs' extents along the axis. */
    private static void concat(GradientContext g) {
        int n = g.node().inputs().size();
        int axis = g.axis(g.node().getInt("axis", 0), g.output(0));
        String[] sizes = new String[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = extent(g, g.input(i), axis);
        }
        String[] parts = g.emit(Node.builder("Split").inputs(g.gradient(), g.emit(Node.builder("Concat").inputs(sizes).attr("axis", 0L))).attr("axis", (long) axis), n);
        for (int i = 0; i < n; i++) {
            g.setGradient(i, parts[i]);
        }
    }

    /** The extent of {@code x} along {@code axis} as a 1-element int64 tensor (a constant when known statically). */
    static String extent(GradientContext g, String x, int axis) {
        Shape s = g.shape(x);
        if (s != null && s.isKnown(axis)) {
            return g.ints(s.dim(axis));
        }
        return g.emit(Node.builder("Shape").input(x).attr("start", (long) axis).attr("end", (long) axis + 1));
    }

    /** Concatenates the outputs' gradients, zeros for outputs that receive none. */
    private static void split(GradientContext g) {
        int n = g.node().outputs().size();
        int axis = g.axis(g.node().getInt("axis", 0), g.input(0));
        String[] parts = new String[n];
        for (int i = 0; i < n; i++) {
            parts[i] = g.hasOutputGradient(i) ? g.outputGradient(i) : g.full(0, g.output(i), g.input(0));
        }
        g.setGradient(0, g.emit(Node.builder("Concat").inputs(parts).attr("axis", (long) axis)));
    }
}
