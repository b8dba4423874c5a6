package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Attributes that early opsets had and later ones dropped without changing the result: Gemm's
 * 'broadcast' (C broadcasts unidirectionally from opset 7) and the RNN family's 'output_sequence'
 * (opset 7 made the full-sequence output simply optional).
 */
final class LegacyAttributeAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Gemm", "RNN", "GRU", "LSTM");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 7 && (node.hasAttribute("broadcast") || node.hasAttribute("output_sequence"));
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        return List.of(node.toBuilder().removeAttribute("broadcast").removeAttribute("output_sequence").build());
    }

    @Override
    public int minimumOpset(Node canonical) {
        // Gemm without C became legal in opset 11, the recurrent ops' batch-first layout in 14
        if (canonical.opType().equals("Gemm")) {
            return canonical.hasInput(2) ? 7 : 11;
        }
        return canonical.hasAttribute("layout") ? 14 : 7;
    }

    /**
     * Before opset 7 Gemm's C broadcasts only when 'broadcast' says so, and a recurrent op writes its
     * full-sequence output only when 'output_sequence' says so. Batch-first layout is refused before 14.
     */
    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (canonical.opType().equals("Gemm")) {
            if (!canonical.hasInput(2)) {
                throw AdapterSupport.unsupported(canonical, ctx, "Gemm without C needs ai.onnx opset 11 or later");
            }
            return List.of(ctx.opset() < 7 ? canonical.toBuilder().attr("broadcast", 1L).build() : canonical);
        }
        if (canonical.getInt("layout", 0) != 0) {
            throw AdapterSupport.unsupported(canonical, ctx, "layout=1 (batch first) needs ai.onnx opset 14 or later");
        }
        Node.Builder b = canonical.toBuilder().removeAttribute("layout");
        if (ctx.opset() < 7 && !canonical.output(0).isEmpty()) {
            b.attr("output_sequence", 1L);
        }
        return List.of(b.build());
    }
}
