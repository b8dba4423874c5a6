package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Binary element-wise ops before opset 7 broadcast only when 'broadcast' was 1, aligning B with A at
 * 'axis' (suffix alignment without it); from 7 they broadcast numpy-style. Alignment at an axis other
 * than the suffix position becomes an Unsqueeze of B, which needs the ranks of A and B.
 */
final class BroadcastAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 7;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        Node.Builder b = node.toBuilder().removeAttribute("broadcast").removeAttribute("axis");
        if (node.getInt("broadcast", 0) == 0 || !node.hasAttribute("axis")) {
            return List.of(b.build());
        }
        int rankA = AdapterSupport.rank(ctx, node.input(0));
        int rankB = AdapterSupport.rank(ctx, node.input(1));
        if (rankA < 0 || rankB < 0) {
            throw AdapterSupport.unsupported(node, ctx, "broadcasting at an axis needs the ranks of both inputs");
        }
        long axis = node.getInt("axis", 0);
        long trailing = rankA - (axis < 0 ? axis + rankA : axis) - rankB;
        if (trailing < 0) {
            throw AdapterSupport.unsupported(node, ctx, "B of rank " + rankB + " does not fit A of rank " + rankA + " at axis " + axis);
        }
        if (trailing == 0) {
            return List.of(b.build());
        }
        long[] axes = new long[(int) trailing];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = rankB + i;
        }
        List<Node> out = new ArrayList<>();
        String aligned = ctx.freshName(AdapterSupport.hint(node, "aligned"));
        String axesName = ctx.addConstant(AdapterSupport.hint(node, "axes"), Tensor.of(axes, axes.length));
        out.add(Node.builder("Unsqueeze").inputs(node.input(1), axesName).output(aligned).build());
        out.add(b.setInput(1, aligned).build());
        return out;
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 7;
    }

    /**
     * Before opset 7 only B broadcasts, aligned with A's trailing axes ('broadcast'=1), and only with
     * equal dims; equal shapes need no attribute. Other numpy-style broadcasts are refused, as are
     * inputs of unknown shape.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        long[] a = AdapterSupport.dims(ctx, canonical.input(0));
        long[] b = AdapterSupport.dims(ctx, canonical.input(1));
        if (a == null || b == null) {
            throw AdapterSupport.unsupported(canonical, ctx, "the shapes of both inputs must be known to write it before opset 7");
        }
        if (java.util.Arrays.equals(a, b) && known(a)) {
            return List.of(canonical);
        }
        boolean suffix = b.length <= a.length && known(b);
        for (int i = 0; suffix && i < b.length; i++) {
            suffix = b[i] == a[a.length - b.length + i];
        }
        if (!suffix && !(known(b) && count(b) == 1)) {
            throw AdapterSupport.unsupported(canonical, ctx, "broadcasting " + java.util.Arrays.toString(a) + " with " + java.util.Arrays.toString(b)
                    + " needs ai.onnx opset 7 or later (before 7 only B broadcasts, over A's trailing axes)");
        }
        return List.of(canonical.toBuilder().attr("broadcast", 1L).build());
    }

    private static boolean known(long[] dims) {
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
