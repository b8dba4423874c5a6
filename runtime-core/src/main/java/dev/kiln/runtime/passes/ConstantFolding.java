package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes, once at session creation, every node whose inputs are all constants (initializers that are not
 * graph inputs, Constant outputs and values folded before it), and replaces it by Constant nodes holding
 * its outputs: a weight transposed or cast at every run in an export, or a shape chain over constants,
 * then costs nothing per run. Left alone: ops that draw random numbers, nodes with subgraphs, ops outside
 * the default domain, nodes whose outputs are graph outputs or not tensors, and results that would grow
 * the model (more than {@link #GROWTH_LIMIT} bytes beyond their inputs: an Expand or ConstantOfShape to a
 * large size is cheaper to compute than to keep). A node whose evaluation fails stays, so its error
 * surfaces at run time as it would have without the pass. Stateless.
 */
final class ConstantFolding implements GraphPass {
    /** Bytes a folded node's outputs may exceed its inputs by. */
    static final long GROWTH_LIMIT = 1 << 20;

    private final ConstantEvaluator evaluator;
    private final Map<String, Integer> opsets;

    ConstantFolding(ConstantEvaluator evaluator, Map<String, Integer> opsets) {
        this.evaluator = evaluator;
        this.opsets = opsets;
    }

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public int apply(GraphIndex graph) {
        int folded = 0;
        for (int i = 0; i < graph.size(); i++) {
            Node n = graph.node(i);
            if (n == null || !foldable(n, graph)) {
                continue;
            }
            Map<String, Tensor> outputs = evaluate(n, graph);
            if (outputs == null) {
                continue;
            }
            graph.replaceByConstants(i, outputs);
            folded++;
        }
        return folded;
    }

    private static boolean foldable(Node n, GraphIndex graph) {
        if (!n.domain().equals(Model.ONNX_DOMAIN) || n.opType().equals("Constant") || RandomOps.contains(n.opType())
                || !n.subgraphs().isEmpty() || n.outputs().isEmpty()) {
            return false;
        }
        for (String in : n.inputs()) {
            if (!in.isEmpty() && graph.constant(in) == null) {
                return false;
            }
        }
        for (String out : n.outputs()) {
            if (graph.isGraphOutput(out)) {
                return false;
            }
        }
        return true;
    }

    /** The node's outputs by name, or null when it fails, yields a non-tensor or grows the model too much. */
    private Map<String, Tensor> evaluate(Node n, GraphIndex graph) {
        Graph.Builder g = Graph.builder("fold_" + n.opType());
        long inputBytes = 0;
        for (String in : n.inputs()) {
            if (!in.isEmpty()) {
                Tensor t = graph.constant(in);
                g.initializer(in, t);
                inputBytes += bytes(t);
            }
        }
        List<String> wanted = new ArrayList<>();
        for (String out : n.outputs()) {
            if (!out.isEmpty()) {
                g.output(new Value(out, null));
                wanted.add(out);
            }
        }
        Model.Builder m = Model.builder(g.node(n).build());
        opsets.forEach(m::opset);
        Map<String, Tensor> result;
        try {
            result = evaluator.evaluate(m.build());
        } catch (RuntimeException e) {
            return null;
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        long outputBytes = 0;
        for (String out : wanted) {
            Tensor t = result.get(out);
            if (t == null) {
                return null;
            }
            outputs.put(out, t);
            outputBytes += bytes(t);
        }
        return outputBytes > inputBytes + GROWTH_LIMIT ? null : outputs;
    }

    private static long bytes(Tensor t) {
        return t.elementCount() * Math.max(1, t.dtype().byteSize());
    }
}
