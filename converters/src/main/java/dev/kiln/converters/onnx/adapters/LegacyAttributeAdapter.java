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
}
