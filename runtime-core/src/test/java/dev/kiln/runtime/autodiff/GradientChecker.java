package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Checks one op's gradient rule against central finite differences in float64: builds a one-node graph,
 * reduces its outputs to a scalar (sum of each output times fixed random weights), differentiates it with
 * {@link Autodiff} and compares the gradient of every differentiable input, run through a {@link Session}
 * on the CPU backend (fixed inputs such as axes or indices are initializers), with (L(x + eps) - L(x - eps)) / 2 eps. The error of an element is
 * |analytic - numeric| / max(|analytic|, |numeric|, 1e-3); the check fails above 1e-4. Not thread-safe;
 * one instance per check.
 */
final class GradientChecker {
    static final double TOLERANCE = 1e-4;
    private static final double EPS = 1e-6;
    private static final int OPSET = 21;

    private final String opType;
    private final Node.Builder node;
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<String> differentiable = new ArrayList<>();
    private final Random random;
    private int outputs = 1;
    private final java.util.Set<Integer> absentOutputs = new java.util.HashSet<>();
    private boolean symbolic;
    private boolean unranked;
    private String label;

    private GradientChecker(String opType, long seed) {
        this.opType = opType;
        this.node = Node.builder(opType).name("op");
        this.random = new Random(seed);
        this.label = opType;
    }

    static GradientChecker of(String opType) {
        return new GradientChecker(opType, opType.hashCode());
    }

    /** A float64 input of random values in [-2, 2], kept at least 0.05 away from 0 (kinks sit at 0). */
    GradientChecker input(long... dims) {
        return input(-2, 2, dims);
    }

    /** A float64 input uniformly random in [lo, hi] (and at least 0.05 from 0), differentiated. */
    GradientChecker input(double lo, double hi, long... dims) {
        double[] v = new double[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            do {
                v[i] = lo + (hi - lo) * random.nextDouble();
            } while (Math.abs(v[i]) < 0.05);
        }
        return input(Tensor.of(v, dims));
    }

    /** A float64 input with the given values, differentiated. */
    GradientChecker input(Tensor t) {
        String name = "x" + (inputs.size() + constants.size());
        inputs.put(name, t);
        node.input(name);
        if (t.dtype().isFloatingPoint()) {
            differentiable.add(name);
        }
        return this;
    }

    /** A fixed input (indices, shapes, axes), not differentiated. */
    GradientChecker constant(Tensor t) {
        String name = "c" + (inputs.size() + constants.size());
        constants.put(name, t);
        node.input(name);
        return this;
    }

    /** An absent optional input. */
    GradientChecker absent() {
        node.input("");
        return this;
    }

    GradientChecker attrs(Consumer<Node.Builder> attributes) {
        attributes.accept(node);
        return this;
    }

    GradientChecker outputs(int n) {
        this.outputs = n;
        return this;
    }

    /** Leaves these outputs unnamed (not computed, not in the loss), to check a rule with a subset of its outputs used. */
    GradientChecker absentOutputs(int... which) {
        for (int k : which) {
            absentOutputs.add(k);
        }
        return this;
    }

    /** Declares the graph inputs with symbolic dims (known rank only), exercising the runtime-shape paths. */
    GradientChecker symbolic() {
        this.symbolic = true;
        this.label = opType + " (symbolic)";
        return this;
    }

    /** Declares the graph inputs without a shape at all, exercising the paths that find ranks at run time. */
    GradientChecker unranked() {
        this.unranked = true;
        this.label = opType + " (unranked)";
        return this;
    }

    GradientChecker label(String l) {
        this.label = l;
        return this;
    }

    /** Runs the check; returns the worst error and fails when it exceeds {@link #TOLERANCE}. */
    double check() {
        for (int k = 0; k < outputs; k++) {
            node.output(absentOutputs.contains(k) ? "" : "y" + k);
        }
        Node op = node.build();
        Graph.Builder fb = Graph.builder(opType + "_check");
        inputs.forEach((name, t) -> fb.input(name, type(t)));
        constants.forEach(fb::initializer);
        fb.node(op);
        for (int k = 0; k < outputs; k++) {
            if (!absentOutputs.contains(k)) {
                fb.output(new Value("y" + k, null));
            }
        }
        Map<String, Tensor> forward = run(LossExpansion.expand(fb.build()), inputs);
        Graph.Builder lb = Graph.builder(opType + "_loss");
        inputs.forEach((name, t) -> lb.input(name, type(t)));
        constants.forEach(lb::initializer);
        lb.node(op);
        List<String> terms = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            Tensor y = forward.get("y" + k);
            if (y == null || !y.dtype().isFloatingPoint()) {
                continue;
            }
            double[] w = new double[(int) y.elementCount()];
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.5 + random.nextDouble();
            }
            lb.initializer("w" + k, Tensor.of(w, y.dims()));
            lb.node(Node.builder("Mul").name("weigh" + k).inputs("y" + k, "w" + k).outputs("wy" + k).build());
            lb.node(Node.builder("ReduceSum").name("sum" + k).inputs("wy" + k).outputs("s" + k).attr("keepdims", 0L).build());
            terms.add("s" + k);
        }
        lb.node(Node.builder("Sum").name("total").inputs(terms).outputs("loss").build());
        lb.output(new Value("loss", ValueType.tensor(DType.DOUBLE, Shape.scalar())));
        Graph loss = LossExpansion.expand(lb.build());
        double worst = compare(loss, "loss", inputs, differentiable, label);
        record(opType, label, worst);
        return worst;
    }

    /**
     * Differentiates {@code lossGraph}'s scalar {@code loss} with respect to the fed inputs {@code wrt} and
     * compares with central differences; returns the worst error and fails (naming {@code label}) above
     * {@link #TOLERANCE}.
     */
    static double compare(Graph lossGraph, String loss, Map<String, Tensor> feeds, List<String> wrt, String label) {
        Graph grads = Autodiff.differentiate(lossGraph, loss, wrt);
        GraphVerifier.verify(grads);
        Map<String, Tensor> analytic = run(grads, feeds);
        double worst = 0;
        try (Session s = open(LossExpansion.expand(lossGraph))) {
            for (String x : wrt) {
                double[] a = analytic.get(GradientNames.of(x)).toDoubleArray();
                double[] base = feeds.get(x).toDoubleArray();
                for (int i = 0; i < base.length; i++) {
                    double n = (lossAt(s, feeds, loss, x, base, i, EPS) - lossAt(s, feeds, loss, x, base, i, -EPS)) / (2 * EPS);
                    double err = Math.abs(a[i] - n) / Math.max(Math.max(Math.abs(a[i]), Math.abs(n)), 1e-3);
                    worst = Math.max(worst, err);
                    assertTrue(err < TOLERANCE, label + ": d loss/d " + x + "[" + i + "]: autodiff " + a[i] + ", finite differences " + n);
                }
            }
        }
        return worst;
    }

    private static double lossAt(Session s, Map<String, Tensor> inputs, String loss, String x, double[] base, int i, double delta) {
        double[] v = base.clone();
        v[i] += delta;
        Map<String, Tensor> feeds = new LinkedHashMap<>(inputs);
        feeds.put(x, Tensor.of(v, inputs.get(x).dims()));
        return ((Tensor) s.run(feeds, List.of(loss)).get(loss)).getDouble(0);
    }
    /** Appends a check's worst error to target/gradient-checks.tsv (op, check, error) for reports. */
    static void record(String op, String label, double worst) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "gradient-checks.tsv"), op + "\t" + label + "\t" + worst + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ValueType type(Tensor t) {
        if (unranked && t.dtype().isFloatingPoint()) {
            return new ValueType.TensorType(t.dtype(), null);
        }
        if (!symbolic || !t.dtype().isFloatingPoint()) {
            return ValueType.tensor(t.dtype(), t.shape());
        }
        Object[] dims = new Object[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = "d" + i + "_" + t.dim(i);
        }
        return new ValueType.TensorType(t.dtype(), Shape.symbolic(dims));
    }

    private static Session open(Graph g) {
        return Session.open(Model.builder(g).opset("", OPSET).build(), SessionOptions.builder().threads(1).build());
    }

    static Map<String, Tensor> run(Graph g, Map<String, Tensor> feeds) {
        try (Session s = open(g)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, RuntimeValue> e : s.run(feeds).entrySet()) {
                out.put(e.getKey(), (Tensor) e.getValue());
            }
            return out;
        }
    }
}
