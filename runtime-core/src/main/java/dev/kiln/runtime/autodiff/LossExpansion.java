package dev.kiln.runtime.autodiff;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss nodes into standard ops (LogSoftmax,
 * GatherElements, Gather, Where, ReduceSum, ...) that write the same output names, so that a loss runs on
 * any backend and is differentiated by the rules of those ops. Semantics follow the ONNX spec: input
 * [N, C] or [N, C, d1, ...], target [N] or [N, d1, ...], optional per-class weight [C], 'reduction'
 * none|sum|mean (mean divides by the summed weights of the non-ignored targets) and 'ignore_index'.
 * Stateless; returns a new graph (the same instance when there is nothing to rewrite).
 */
public final class LossExpansion {
    private LossExpansion() {
    }

    public static Graph expand(Graph graph) {
        if (graph.nodes().stream().noneMatch(LossExpansion::isLoss)) {
            return graph;
        }
        Set<String> taken = new HashSet<>();
        graph.inputs().forEach(v -> taken.add(v.name()));
        taken.addAll(graph.initializers().keySet());
        graph.nodes().forEach(n -> taken.addAll(n.outputs()));
        List<Node> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (isLoss(n)) {
                new Writer(n, taken, out).write();
            } else {
                out.add(n);
            }
        }
        return graph.toBuilder().clearNodes().nodes(out).build();
    }

    private static boolean isLoss(Node n) {
        return n.domain().isEmpty() && expands(n.opType());
    }

    /** True for the default-domain loss ops this class rewrites (and autodiff therefore differentiates). */
    public static boolean expands(String opType) {
        return opType.equals("SoftmaxCrossEntropyLoss") || opType.equals("NegativeLogLikelihoodLoss");
    }

    /** Emits the expansion of one loss node. */
    private static final class Writer {
        private final Node loss;
        private final Set<String> taken;
        private final List<Node> out;
        private final String prefix;
        private int counter;

        Writer(Node loss, Set<String> taken, List<Node> out) {
            this.loss = loss;
            this.taken = taken;
            this.out = out;
            this.prefix = (loss.name().isEmpty() ? loss.output(0) : loss.name()) + "/";
        }

        void write() {
            String logProb = loss.input(0);
            if (loss.opType().equals("SoftmaxCrossEntropyLoss")) {
                String named = loss.outputs().size() > 1 && !loss.output(1).isEmpty() ? loss.output(1) : fresh();
                emit(Node.builder("LogSoftmax").input(loss.input(0)).attr("axis", 1L), named);
                logProb = named;
            }
            String target = loss.input(1);
            boolean hasIgnore = loss.hasAttribute("ignore_index");
            String keep = null;
            String safe = target;
            if (hasIgnore) {
                String ignore = op("CastLike", constant(Tensor.scalar(loss.getInt("ignore_index", 0))), target);
                keep = op("Not", op("Equal", target, ignore));
                safe = op("Where", keep, target, op("CastLike", constant(Tensor.scalar(0L)), target));
            }
            String one = constant(Tensor.of(new long[] {1}, 1));
            String picked = op("Squeeze", emit(Node.builder("GatherElements").inputs(logProb, op("Unsqueeze", safe, one))
                    .attr("axis", 1L), fresh()), one);
            String weight = loss.hasInput(2) ? emit(Node.builder("Gather").inputs(loss.input(2), safe).attr("axis", 0L), fresh()) : null;
            if (keep != null) {
                String mask = op("CastLike", keep, logProb);
                weight = weight == null ? mask : op("Mul", weight, mask);
            }
            String elem = op("Neg", picked);
            if (weight != null) {
                elem = op("Mul", elem, weight);
            }
            String reduction = loss.getString("reduction", "mean");
            Node.Builder last;
            switch (reduction) {
                case "none" -> last = Node.builder("Identity").input(elem);
                case "sum" -> last = Node.builder("ReduceSum").input(elem).attr("keepdims", 0L);
                case "mean" -> last = weight == null ? Node.builder("ReduceMean").input(elem).attr("keepdims", 0L)
                        : Node.builder("Div").inputs(sum(elem), sum(weight));
                default -> throw new dev.kiln.api.InvalidInputException(loss.describe() + ": attribute 'reduction' must be none, sum or mean, got '"
                        + reduction + "'");
            }
            emit(last, loss.output(0));
        }

        private String sum(String v) {
            return emit(Node.builder("ReduceSum").input(v).attr("keepdims", 0L), fresh());
        }

        private String constant(Tensor t) {
            return emit(Node.builder("Constant").attr("value", t), fresh());
        }

        private String op(String opType, String... inputs) {
            return emit(Node.builder(opType).inputs(inputs), fresh());
        }

        private String emit(Node.Builder b, String output) {
            out.add(b.name(output).output(output).build());
            return output;
        }

        private String fresh() {
            String n;
            do {
                n = prefix + counter++;
            } while (!taken.add(n));
            return n;
        }
    }
}
