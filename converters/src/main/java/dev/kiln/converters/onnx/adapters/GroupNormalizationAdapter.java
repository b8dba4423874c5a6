package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * GroupNormalization: in opset 18 scale and bias held one value per group; opset 21 made them per
 * channel. On import each per-group value is repeated over its C / num_groups channels by a few shape
 * nodes (C is read from X at run time). Written back before 21, scale and bias must be constants that
 * are equal within each group.
 */
final class GroupNormalizationAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("GroupNormalization");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 21;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        long groups = node.getInt("num_groups", 0);
        List<Node> out = new ArrayList<>();
        String channels = ctx.freshName(AdapterSupport.hint(node, "channels"));
        out.add(Node.builder("Shape").input(node.input(0)).output(channels).attr("start", 1L).attr("end", 2L).build());
        String g = ctx.addConstant(AdapterSupport.hint(node, "groups"), Tensor.of(new long[] {groups}, 1));
        String perGroup = ctx.freshName(AdapterSupport.hint(node, "per_group"));
        out.add(Node.builder("Div").inputs(channels, g).output(perGroup).build());
        String grid = ctx.freshName(AdapterSupport.hint(node, "grid"));
        out.add(Node.builder("Concat").inputs(g, perGroup).output(grid).attr("axis", 0L).build());
        String one = ctx.addConstant(AdapterSupport.hint(node, "axis1"), Tensor.of(new long[] {1}, 1));
        String flat = ctx.addConstant(AdapterSupport.hint(node, "flat"), Tensor.of(new long[] {-1}, 1));
        Node.Builder b = node.toBuilder();
        for (int i = 1; i <= 2; i++) {
            String column = ctx.freshName(AdapterSupport.hint(node, "column" + i));
            String spread = ctx.freshName(AdapterSupport.hint(node, "spread" + i));
            String perChannel = ctx.freshName(AdapterSupport.hint(node, i == 1 ? "scale" : "bias"));
            out.add(Node.builder("Unsqueeze").inputs(node.input(i), one).output(column).build());
            out.add(Node.builder("Expand").inputs(column, grid).output(spread).build());
            out.add(Node.builder("Reshape").inputs(spread, flat).output(perChannel).build());
            b.setInput(i, perChannel);
        }
        out.add(b.build());
        return out;
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 21;
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        int groups = (int) canonical.getInt("num_groups", 0);
        Node.Builder b = canonical.toBuilder();
        for (int i = 1; i <= 2; i++) {
            Tensor t = AdapterSupport.constantInput(canonical, i, ctx, i == 1 ? "'scale'" : "'bias'");
            double[] perChannel = new double[t.size()];
            for (int k = 0; k < perChannel.length; k++) {
                perChannel[k] = t.getDouble(k);
            }
            if (groups <= 0 || perChannel.length % groups != 0) {
                throw AdapterSupport.unsupported(canonical, ctx, perChannel.length + " channels do not split into " + groups + " groups");
            }
            int size = perChannel.length / groups;
            double[] perGroup = new double[groups];
            for (int k = 0; k < groups; k++) {
                double[] group = Arrays.copyOfRange(perChannel, k * size, (k + 1) * size);
                perGroup[k] = group[0];
                for (double v : group) {
                    if (Double.compare(v, group[0]) != 0) {
                        throw AdapterSupport.unsupported(canonical, ctx, "opset 18 takes one scale and bias per group, but group " + k
                                + " has different per-channel values; that needs ai.onnx opset 21");
                    }
                }
            }
            b.setInput(i, ctx.addConstant(AdapterSupport.hint(canonical, i == 1 ? "group_scale" : "group_bias"),
                    AdapterSupport.vector(t.dtype(), perGroup)));
        }
        return List.of(b.build());
    }
}
