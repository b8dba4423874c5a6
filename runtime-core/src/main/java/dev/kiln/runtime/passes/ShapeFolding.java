package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Replaces {@code Shape} and {@code Size} of values whose shape is fully known before the run by
 * constants, so the shape arithmetic exports wrap around every Reshape folds away with them
 * ({@link ConstantFolding} runs next). Shapes come from type inference over the graph's inputs (which
 * a session checks on every run) and initializers only: declared intermediate types (value_info,
 * output types) are ignored, since a model may declare them wrongly. Stateless.
 */
final class ShapeFolding implements GraphPass {
    private final Map<String, Integer> opsets;

    ShapeFolding(Map<String, Integer> opsets) {
        this.opsets = opsets;
    }

    @Override
    public String name() {
        return "shape-folding";
    }

    @Override
    public int apply(GraphIndex graph) {
        Map<String, ValueType> types = inferredTypes(graph);
        if (types == null) {
            return 0;
        }
        int folded = 0;
        for (int i = 0; i < graph.size(); i++) {
            boolean shape = graph.is(i, "Shape");
            if (!shape && !graph.is(i, "Size")) {
                continue;
            }
            Node n = graph.node(i);
            if (n.inputs().isEmpty() || n.input(0).isEmpty() || graph.isGraphOutput(n.output(0))
                    || !(types.get(n.input(0)) instanceof ValueType.TensorType t) || t.shape() == null || !t.shape().isConcrete()) {
                continue;
            }
            long[] dims = t.shape().dims();
            Tensor value = shape ? shapeSlice(n, dims) : Tensor.scalar(Shape.of(dims).elementCount());
            graph.replaceByConstants(i, Map.of(n.output(0), value));
            folded++;
        }
        return folded;
    }

    /** Shape's output: dims[start:end] with its attributes' clamping of negative and out-of-range bounds. */
    private static Tensor shapeSlice(Node n, long[] dims) {
        int rank = dims.length;
        int start = clamp(n.getInt("start", 0), rank);
        int end = clamp(n.getInt("end", rank), rank);
        long[] out = end > start ? Arrays.copyOfRange(dims, start, end) : new long[0];
        return Tensor.of(out, out.length);
    }

    private static int clamp(long bound, int rank) {
        long b = bound < 0 ? bound + rank : bound;
        return (int) Math.max(0, Math.min(rank, b));
    }

    /** Types inferred from the inputs and initializers alone, or null when inference fails on this graph. */
    private Map<String, ValueType> inferredTypes(GraphIndex graph) {
        Graph current = graph.graph();
        Graph.Builder b = current.toBuilder().clearValueInfo().clearOutputs();
        for (Value v : current.outputs()) {
            b.output(new Value(v.name(), null));
        }
        for (Value v : current.inputs()) {
            if (v.type() == null) {
                // an initializer that is also an untyped input is only a default: the caller may feed any shape
                b.removeInitializer(v.name());
            }
        }
        try {
            return TypePropagation.infer(b.build(), domain -> opsets.getOrDefault(domain, -1),
                    name -> null, graph::constant, false);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
