package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRuleFamily;
import dev.kiln.runtime.autodiff.GradientRules;

import java.util.function.UnaryOperator;

/**
 * Rules for ops that pick, repeat or pad elements (Gather, GatherElements, Slice, Tile, Pad). Each is
 * differentiated the same way: the op is replayed on a tensor holding every element's flat index, which
 * says where each output element came from, and dY is scatter-added back there (ScatterND, reduction
 * 'add', so repeated picks accumulate).
 */
public final class IndexingRules implements GradientRuleFamily {
    @Override
    public void register(GradientRules.Registrar r) {
        r.add("", "Gather", IndexingRules::gather);
        r.add("", "GatherElements", g -> g.setGradient(0, scatterBack(g, iota -> g.emit(Node.builder("GatherElements")
                .inputs(iota, g.input(1)).attr("axis", g.node().getInt("axis", 0))))));
        r.add("", "Slice", g -> g.setGradient(0, scatterBack(g, iota -> g.emit(g.node().toBuilder().clearInputs().name(null)
                .input(iota).inputs(g.node().inputs().subList(1, g.node().inputs().size()))))));
        r.add("", "Tile", g -> g.setGradient(0, scatterBack(g, iota -> g.op("Tile", iota, g.input(1)))));
        r.add("", "Pad", IndexingRules::pad);
    }

    /**
     * Gather along axis 0 (embedding lookups) scatters dY rows straight to the (normalized) indices, with no
     * index map the size of the table; other axes go through {@link #scatterBack}.
     */
    private static void gather(GradientContext g) {
        String x = g.input(0);
        int axis = g.axis(g.node().getInt("axis", 0), x);
        if (axis != 0) {
            g.setGradient(0, scatterBack(g, iota -> g.emit(Node.builder("Gather").inputs(iota, g.input(1)).attr("axis", (long) axis))));
            return;
        }
        String indices = g.emit(Node.builder("Cast").input(g.input(1)).attr("to", (long) DType.INT64.code()));
        String rows = g.emit(Node.builder("Shape").input(x).attr("start", 0L).attr("end", 1L));
        String wrapped = g.op("Where", g.op("Less", indices, g.longScalar(0)), g.add(indices, rows), indices);
        // flattened to [k, 1] indices and [k, row...] updates, which also covers scalar indices
        String updates = g.op("Reshape", g.gradient(), ConvRules.concat(g, g.ints(-1), g.emit(Node.builder("Shape").input(x).attr("start", 1L))));
        g.setGradient(0, g.emit(Node.builder("ScatterND").inputs(g.full(0, x, x), g.op("Reshape", wrapped, g.ints(-1, 1)), updates)
                .attr("reduction", "add")));
    }

    /**
     * The gradient of input 0 of an op that moves elements: {@code movement} emits the same op over a
     * tensor of flat indices (int64, shaped like input 0) and returns its output.
     */
    static String scatterBack(GradientContext g, UnaryOperator<String> movement) {
        String x = g.input(0);
        String shape = g.shapeOf(x);
        String iota = g.op("Reshape", g.op("Range", g.longScalar(0), g.op("Size", x), g.longScalar(1)), shape);
        String from = movement.apply(iota);
        String zeros = g.op("Reshape", g.full(0, x, x), g.ints(-1));
        String flat = g.emit(Node.builder("ScatterND").inputs(zeros, g.op("Reshape", from, g.ints(-1, 1)),
                g.op("Reshape", g.gradient(), g.ints(-1))).attr("reduction", "add"));
        return g.op("Reshape", flat, shape);
    }

    /**
     * Pad in any mode: the padded positions of constant mode must not be scattered, so the indices are
     * shifted by one, padded with 0, scattered into a buffer one longer, and the first slot dropped.
     */
    private static void pad(GradientContext g) {
        String x = g.input(0);
        String iota = g.op("Reshape", g.op("Range", g.longScalar(1), g.op("Add", g.op("Size", x), g.longScalar(1)), g.longScalar(1)),
                g.shapeOf(x));
        Node.Builder replay = g.node().toBuilder().clearInputs().name(null).input(iota);
        if (g.node().hasInput(1)) {
            replay.input(g.input(1));
        }
        replay.input(g.node().hasInput(2) ? g.longScalar(0) : "");
        if (g.node().hasInput(3)) {
            replay.input(g.input(3));
        }
        String from = g.emit(replay);
        String buffer = g.emit(Node.builder("Concat").inputs(g.op("Reshape", g.scalar(0, x), g.ints(1)),
                g.op("Reshape", g.full(0, x, x), g.ints(-1))).attr("axis", 0L));
        String flat = g.emit(Node.builder("ScatterND").inputs(buffer, g.op("Reshape", from, g.ints(-1, 1)),
                g.op("Reshape", g.gradient(), g.ints(-1))).attr("reduction", "add"));
        String body = g.op("Slice", flat, g.ints(1), g.ints(Long.MAX_VALUE));
        g.setGradient(0, g.op("Reshape", body, g.shapeOf(x)));
    }
}
