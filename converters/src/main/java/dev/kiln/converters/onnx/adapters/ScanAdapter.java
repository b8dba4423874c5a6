package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Scan: opset 8 batched every state and scan input along axis 0 (scanning axis 1) and took an optional
 * sequence_lens input; opset 9 dropped the batch. An opset-8 Scan becomes an outer Scan over the batch
 * axis whose body runs the original body in an inner, unbatched Scan; stacking the inner results along
 * axis 0 gives exactly the batched outputs. Variable sequence lengths are refused.
 */
final class ScanAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Scan");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return opset < 9;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        if (node.hasInput(0)) {
            throw AdapterSupport.unsupported(node, ctx, "variable sequence lengths (sequence_lens) have no equivalent after opset 8");
        }
        Graph body = node.attribute("body").asGraph();
        int scanInputs = (int) node.getInt("num_scan_inputs", 0);
        List<String> batched = node.inputs().subList(1, node.inputs().size());
        Graph.Builder outerBody = Graph.builder(ctx.freshName(body.name() + "_batch"));
        List<String> perItem = new ArrayList<>();
        for (String in : batched) {
            String name = ctx.freshName(in + "_item");
            perItem.add(name);
            outerBody.input(new Value(name, dropBatch(ctx.typeOf(in))));
        }
        Node.Builder inner = Node.builder("Scan").inputs(perItem).attribute(node.attribute("body"))
                .attr("num_scan_inputs", (long) scanInputs);
        if (node.hasAttribute("directions")) {
            inner.attr("scan_input_directions", node.getInts("directions", null));
        }
        int states = batched.size() - scanInputs;
        for (int i = 0; i < node.outputs().size(); i++) {
            String name = ctx.freshName(AdapterSupport.hint(node, "item" + i));
            inner.output(name);
            ValueType bodyType = i < body.outputs().size() ? body.outputs().get(i).type() : null;
            outerBody.output(new Value(name, i < states ? bodyType : addScanAxis(bodyType)));
        }
        outerBody.node(inner.build());
        Node outer = Node.builder("Scan").name(node.name()).docString(node.docString()).inputs(batched).outputs(node.outputs())
                .attr("body", outerBody.build()).attr("num_scan_inputs", (long) batched.size()).build();
        return List.of(outer);
    }

    private static ValueType dropBatch(ValueType t) {
        if (t instanceof ValueType.TensorType tt && tt.shape() != null && tt.shape().rank() > 0) {
            List<Object> dims = tt.shape().toList();
            return new ValueType.TensorType(tt.elementType(), Shape.symbolic(dims.subList(1, dims.size()).toArray()));
        }
        return t instanceof ValueType.TensorType tt ? new ValueType.TensorType(tt.elementType(), null) : t;
    }

    private static ValueType addScanAxis(ValueType t) {
        if (t instanceof ValueType.TensorType tt && tt.shape() != null) {
            List<Object> dims = new ArrayList<>();
            dims.add(null);
            dims.addAll(tt.shape().toList());
            return new ValueType.TensorType(tt.elementType(), Shape.symbolic(dims.toArray()));
        }
        return t;
    }

    @Override
    public int minimumOpset(Node canonical) {
        return 9;
    }
}
