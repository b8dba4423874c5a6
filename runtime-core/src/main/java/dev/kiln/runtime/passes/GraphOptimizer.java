package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewrites a session applies to a model's main graph before compiling it: fusions of common
 * decomposed patterns (Conv + BatchNormalization folding, Conv + residual Add + activation, layer normalization, GELU, MatMul + bias + activation, multi-head attention, residual Add + layer normalization) into fused ops of
 * {@link FusedOps#DOMAIN}, then removal of nodes nothing reads. The result computes the same outputs; it
 * exists only inside the session (the model the user loaded is not changed, and exports never see
 * fused ops). Then values known before the run are computed once (shape folding, constant folding) and
 * repeated computations merged (common subexpressions). Subgraphs of If/Loop/Scan are left as they are. Stateless and thread-safe.
 */
public final class GraphOptimizer {
    private static final Logger LOG = LoggerFactory.getLogger(GraphOptimizer.class);
    private static final List<GraphPass> PASSES = List.of(new ConvBatchNormFusion(), new ConvActivationFusion(), new LayerNormFusion(), new GeluFusion(), new MatMulBiasFusion(), new AttentionFusion(),
            new SkipLayerNormFusion());

    private GraphOptimizer() {
    }

    /** What one optimization did: the rewritten model and how often each pass matched. */
    public record Result(Model model, Map<String, Integer> rewrites, int removedNodes) {
        public boolean changed() {
            return removedNodes > 0 || rewrites.values().stream().anyMatch(c -> c > 0);
        }
    }

    /** The model with every pass but constant folding applied; the input model is not modified. */
    public static Result optimize(Model model) {
        return optimize(model, null);
    }

    /**
     * The model with every pass applied: the fusions, then shape folding, constant folding (when
     * {@code evaluator} is not null) and common-subexpression elimination, which run after the fusions so
     * that they never hide a pattern a fusion looks for. The input model is not modified.
     */
    public static Result optimize(Model model, ConstantEvaluator evaluator) {
        Graph graph = model.graph();
        Map<String, Integer> rewrites = new LinkedHashMap<>();
        List<GraphPass> passes = new ArrayList<>(PASSES);
        passes.add(new ShapeFolding(model.opsetImports()));
        if (evaluator != null) {
            passes.add(new ConstantFolding(evaluator, model.opsetImports()));
        }
        passes.add(new CommonSubexpressions());
        for (GraphPass pass : passes) {
            GraphIndex index = new GraphIndex(graph);
            int n = pass.apply(index);
            rewrites.put(pass.name(), n);
            if (n > 0) {
                graph = index.graph();
            }
        }
        int before = graph.nodes().size();
        graph = withoutDeadNodes(graph);
        int removed = before - graph.nodes().size();
        boolean fusedAny = rewrites.values().stream().anyMatch(c -> c > 0);
        if (!fusedAny && removed == 0) {
            return new Result(model, Collections.unmodifiableMap(rewrites), 0);
        }
        Model.Builder b = model.toBuilder().graph(graph);
        if (fusedAny) {
            b.opset(FusedOps.DOMAIN, 1);
        }
        LOG.debug("graph '{}': fusions {}, {} unused nodes removed", graph.name(), rewrites, removed);
        return new Result(b.build(), Collections.unmodifiableMap(rewrites), removed);
    }

    /** Keeps only nodes some graph output depends on (ONNX ops have no side effects). */
    static Graph withoutDeadNodes(Graph graph) {
        Set<String> needed = new HashSet<>();
        for (Value v : graph.outputs()) {
            needed.add(v.name());
        }
        List<Node> nodes = graph.nodes();
        boolean[] keep = new boolean[nodes.size()];
        int kept = 0;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean live = n.outputs().stream().anyMatch(needed::contains);
            if (!live) {
                continue;
            }
            keep[i] = true;
            kept++;
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    needed.add(in);
                }
            }
            for (Graph sub : n.subgraphs()) {
                needed.addAll(sub.outerScopeReferences());
            }
        }
        if (kept == nodes.size()) {
            return graph;
        }
        List<Node> out = new ArrayList<>(kept);
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                out.add(nodes.get(i));
            }
        }
        return graph.toBuilder().clearNodes().nodes(out).build();
    }
}
