package dev.kiln.runtime.autodiff;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.passes.TypePropagation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reverse-mode automatic differentiation as a graph transform. The backward graph is made of ordinary
 * ops (plus, where ONNX lacks one, ops of the {@code dev.kiln.grad} domain), so any backend that runs
 * them can train and the result can be exported. Stateless and thread-safe.
 */
public final class Autodiff {
    private Autodiff() {
    }

    /**
     * Differentiates scalar {@code loss} (a value of {@code forward}) with respect to the named values
     * (initializers or graph inputs). Returns a new Graph: all nodes of {@code forward}, then the backward
     * nodes; graph outputs are the forward graph's outputs, {@code loss}, and one output per name in
     * {@code wrt}, named {@link GradientNames#of(String)}, with that value's dtype and shape. A value in
     * {@code wrt} that does not affect the loss gets a zero gradient. Values not on a path to the loss get
     * no backward nodes. A {@code wrt} value may also be an intermediate value. A loss that is not a
     * scalar is differentiated as the sum of its elements. SoftmaxCrossEntropyLoss and
     * NegativeLogLikelihoodLoss nodes are first rewritten into standard ops writing the same outputs
     * ({@link LossExpansion}), so the returned graph holds those in their place; a training-mode Dropout
     * without a mask output gets one (its gradient reads it). The backward part uses ai.onnx ops in their
     * opset 18 forms (Reduce* axes as inputs, ScatterND reduction, Shape start/end).
     *
     * @throws NoGradientRuleException when an op on a path from a {@code wrt} value to the loss has no rule
     * @throws KilnException           when {@code loss} or a {@code wrt} name is not a value of the graph
     */
    public static Graph differentiate(Graph forward, String loss, List<String> wrt) {
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(loss, "loss");
        forward = withDropoutMasks(LossExpansion.expand(forward));
        Set<String> defined = definedValues(forward);
        if (!defined.contains(loss)) {
            throw new KilnException("autodiff: loss '" + loss + "' is not a value of graph '" + forward.name() + "'");
        }
        for (String w : wrt) {
            if (!defined.contains(w)) {
                throw new KilnException("autodiff: '" + w + "' is not a value of graph '" + forward.name() + "'");
            }
        }
        Map<String, ValueType> types = new HashMap<>(TypePropagation.infer(forward, domain -> -1, name -> null,
                forward.initializers()::get, false));
        Set<String> taken = new HashSet<>(defined);
        Emitter emitter = new Emitter(taken, types, constantsOf(forward));
        Set<String> requires = dependents(forward, wrt, types);
        Map<String, Node> towardLoss = new HashMap<>();
        Set<String> needed = ancestors(forward, loss, towardLoss);

        Map<String, List<String>> contributions = new HashMap<>();
        contributions.computeIfAbsent(loss, k -> new ArrayList<>()).add(emitter.full(1.0, loss, loss));
        List<Node> nodes = forward.nodes();
        for (int n = nodes.size() - 1; n >= 0; n--) {
            Node node = nodes.get(n);
            if (!isActive(node, requires, needed)) {
                continue;
            }
            String[] outGrads = new String[node.outputs().size()];
            boolean any = false;
            for (int k = 0; k < outGrads.length; k++) {
                outGrads[k] = accumulate(emitter, contributions.get(node.output(k)));
                any |= outGrads[k] != null;
            }
            if (!any) {
                continue;
            }
            GradientRule rule = GradientRules.get(node.domain(), node.opType());
            if (rule == null) {
                throw new NoGradientRuleException(node.opType(), node.domain(), pathToLoss(node, loss, towardLoss));
            }
            boolean[] needs = new boolean[node.inputs().size()];
            for (int i = 0; i < needs.length; i++) {
                needs[i] = node.hasInput(i) && requires.contains(node.input(i));
            }
            GradientContext ctx = new GradientContext(node, outGrads, needs, emitter);
            rule.backward(ctx);
            String[] inGrads = ctx.inputGradients();
            for (int i = 0; i < inGrads.length; i++) {
                if (inGrads[i] != null) {
                    contributions.computeIfAbsent(node.input(i), k -> new ArrayList<>()).add(inGrads[i]);
                }
            }
        }

        Graph.Builder out = forward.toBuilder().clearOutputs();
        forward.outputs().forEach(out::output);
        if (forward.outputs().stream().noneMatch(v -> v.name().equals(loss))) {
            out.output(new Value(loss, types.get(loss)));
        }
        for (String w : new LinkedHashSet<>(wrt)) {
            String total = accumulate(emitter, contributions.get(w));
            if (total == null) {
                total = emitter.full(0.0, w, w);
            }
            String name = GradientNames.of(w);
            if (defined.contains(name)) {
                throw new KilnException("autodiff: the gradient output '" + name + "' clashes with a value of the graph");
            }
            emitter.addNamed(Node.builder("Identity").input(total), name);
            out.output(new Value(name, types.get(w)));
        }
        out.nodes(emitter.nodes());
        return out.build();
    }

    /** Training-mode Dropout nodes get a mask output (fresh name) when they lack one: their gradient reads it. */
    private static Graph withDropoutMasks(Graph g) {
        if (g.nodes().stream().noneMatch(n -> n.opType().equals("Dropout") && n.hasInput(2) && n.output(1).isEmpty())) {
            return g;
        }
        Set<String> names = definedValues(g);
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.opType().equals("Dropout") && n.domain().isEmpty() && n.hasInput(2) && n.output(1).isEmpty()) {
                String mask = n.output(0) + "_mask";
                for (int k = 0; !names.add(mask); k++) {
                    mask = n.output(0) + "_mask" + k;
                }
                n = n.toBuilder().clearOutputs().outputs(n.output(0), mask).build();
            }
            nodes.add(n);
        }
        return g.toBuilder().clearNodes().nodes(nodes).build();
    }

    private static Function<String, Tensor> constantsOf(Graph g) {
        Map<String, Tensor> fixed = new HashMap<>(g.initializers());
        g.inputs().forEach(v -> fixed.remove(v.name()));
        for (Node n : g.nodes()) {
            if (n.opType().equals("Constant") && n.domain().isEmpty() && n.hasAttribute("value")) {
                fixed.put(n.output(0), n.attribute("value").asTensor());
            }
        }
        return fixed::get;
    }

    /**
     * Sums several contributions to one gradient (null when there are none) and leaves the sum as the only
     * contribution, so a value asked for again (a differentiated intermediate) is not summed twice.
     */
    private static String accumulate(Emitter emitter, List<String> parts) {
        if (parts == null || parts.isEmpty()) {
            return null;
        }
        if (parts.size() > 1) {
            String total = emitter.add(Node.builder("Sum").inputs(parts), "accumulate", 1)[0];
            parts.clear();
            parts.add(total);
        }
        return parts.get(0);
    }

    private static boolean isActive(Node node, Set<String> requires, Set<String> needed) {
        boolean in = node.inputs().stream().anyMatch(requires::contains);
        boolean out = node.outputs().stream().anyMatch(o -> requires.contains(o) && needed.contains(o));
        return in && out;
    }

    /** Values that depend on a {@code wrt} value through floating-point values. */
    private static Set<String> dependents(Graph g, List<String> wrt, Map<String, ValueType> types) {
        Set<String> r = new HashSet<>(wrt);
        for (Node node : g.nodes()) {
            if (node.inputs().stream().anyMatch(r::contains)) {
                for (String o : node.outputs()) {
                    if (!o.isEmpty() && isDifferentiable(types.get(o))) {
                        r.add(o);
                    }
                }
            }
        }
        return r;
    }

    private static boolean isDifferentiable(ValueType t) {
        return !(t instanceof ValueType.TensorType tt) || tt.elementType().isFloatingPoint();
    }

    /** Values the loss depends on; records for each the consumer node that leads toward the loss. */
    private static Set<String> ancestors(Graph g, String loss, Map<String, Node> towardLoss) {
        Set<String> a = new HashSet<>();
        a.add(loss);
        List<Node> nodes = g.nodes();
        for (int n = nodes.size() - 1; n >= 0; n--) {
            Node node = nodes.get(n);
            if (node.outputs().stream().anyMatch(a::contains)) {
                for (String in : node.inputs()) {
                    if (!in.isEmpty() && a.add(in)) {
                        towardLoss.put(in, node);
                    }
                }
            }
        }
        return a;
    }

    private static List<String> pathToLoss(Node from, String loss, Map<String, Node> towardLoss) {
        List<String> path = new ArrayList<>();
        Node cur = from;
        Set<Node> seen = new HashSet<>();
        while (cur != null && seen.add(cur)) {
            path.add(cur.describe());
            if (cur.outputs().contains(loss)) {
                break;
            }
            Node next = null;
            for (String o : cur.outputs()) {
                if (towardLoss.containsKey(o)) {
                    next = towardLoss.get(o);
                    break;
                }
            }
            cur = next;
        }
        return path;
    }

    private static Set<String> definedValues(Graph g) {
        Set<String> d = new LinkedHashSet<>();
        g.inputs().forEach(v -> d.add(v.name()));
        d.addAll(g.initializers().keySet());
        for (Node n : g.nodes()) {
            n.outputs().stream().filter(o -> !o.isEmpty()).forEach(d::add);
        }
        return d;
    }
}
