package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.format.ModelReader;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 converted to float64: every op type it uses is either non-differentiable (Shape,
 * Constant, ...) or has a rule, and the gradient of a weighted sum of its last hidden state with respect
 * to every weight matches central differences on sampled elements.
 */
class MiniLmGradientTest {
    private static final double EPS = 1e-6;

    @Test
    void theWholeEncoderDifferentiatesAndMatchesFiniteDifferences() throws IOException {
        Assumptions.assumeTrue(ModelFormats.readers().stream().map(ModelReader::format).anyMatch("onnx"::equalsIgnoreCase),
                "no ONNX model reader on the class path");
        byte[] bytes;
        try (InputStream in = MiniLmGradientTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx not on the test class path");
            bytes = in.readAllBytes();
        }
        Model model = ModelFormats.reader("onnx").read(bytes, ModelLoadOptions.defaults());
        Graph forward = toDouble(model.graph());
        TreeSet<String> ops = new TreeSet<>();
        forward.nodes().forEach(n -> ops.add(n.opType()));
        System.out.println("MiniLM op types: " + ops);

        String hidden = forward.outputs().get(0).name();
        int tokens = 5;
        Random r = new Random(3);
        double[] w = new double[tokens * 384];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        Graph.Builder lb = forward.toBuilder().clearOutputs().initializer("probe", Tensor.of(w, 1, tokens, 384))
                .node(Node.builder("Mul").name("probe_mul").inputs(hidden, "probe").outputs("probed").build())
                .node(Node.builder("ReduceSum").name("probe_sum").input("probed").output("loss").attr("keepdims", 0L).build())
                .output("loss", ValueType.tensor(DType.DOUBLE, Shape.scalar()));
        List<String> weights = new ArrayList<>();
        forward.initializers().forEach((name, t) -> {
            if (t.dtype() == DType.DOUBLE && t.elementCount() > 1) {
                weights.add(name);
                lb.input(name, ValueType.tensor(DType.DOUBLE, t.shape()));
            }
        });
        Graph lossGraph = lb.build();
        Graph grads = Autodiff.differentiate(lossGraph, "loss", weights);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("input_ids", Tensor.of(new long[] {101, 2023, 2003, 7592, 102}, 1, tokens));
        feeds.put("attention_mask", Tensor.of(new long[] {1, 1, 1, 1, 1}, 1, tokens));
        feeds.put("token_type_ids", Tensor.zeros(DType.INT64, 1, tokens));
        Map<String, Tensor> analytic = new LinkedHashMap<>();
        List<String> outs = weights.stream().map(GradientNames::of).toList();
        try (Session s = Session.open(Model.builder(grads).opset("", 21).build(), SessionOptions.defaults())) {
            s.run(feeds, outs).forEach((k, v) -> analytic.put(k, (Tensor) v));
        }
        double worst = 0;
        int checked = 0;
        try (Session s = Session.open(Model.builder(lossGraph).opset("", 21).build(), SessionOptions.defaults())) {
            for (int k = 0; k < weights.size(); k += 7) {
                String name = weights.get(k);
                Tensor base = forward.initializers().get(name);
                double[] grad = analytic.get(GradientNames.of(name)).toDoubleArray();
                int i = pick(name, base, grad, r);
                double numeric = (lossWith(s, feeds, name, base, i, EPS) - lossWith(s, feeds, name, base, i, -EPS)) / (2 * EPS);
                double err = Math.abs(grad[i] - numeric) / Math.max(Math.max(Math.abs(grad[i]), Math.abs(numeric)), 1e-3);
                worst = Math.max(worst, err);
                checked++;
                assertTrue(err < GradientChecker.TOLERANCE, name + "[" + i + "]: autodiff " + grad[i] + ", finite differences " + numeric);
            }
        }
        GradientChecker.record("MiniLM", "MiniLM (" + checked + " sampled weights)", worst);
        System.out.printf("MiniLM gradient: %d weights differentiated, %d elements checked, worst relative error %.3g%n",
                weights.size(), checked, worst);
    }

    /** The word embedding row of a token in the input (others have a zero gradient); elsewhere a random element. */
    private static int pick(String name, Tensor base, double[] grad, Random r) {
        if (base.rank() == 2 && base.dim(0) == 30522) {
            return 2023 * (int) base.dim(1) + r.nextInt((int) base.dim(1));
        }
        return r.nextInt(grad.length);
    }

    private static double lossWith(Session s, Map<String, Tensor> feeds, String name, Tensor base, int i, double delta) {
        double[] v = base.toDoubleArray();
        v[i] += delta;
        Map<String, Tensor> f = new LinkedHashMap<>(feeds);
        f.put(name, Tensor.of(v, base.dims()));
        return ((Tensor) s.run(f, List.of("loss")).get("loss")).getDouble(0);
    }

    /** The graph with every float32 initializer, constant, Cast target and declared type made float64. */
    static Graph toDouble(Graph g) {
        Graph.Builder b = g.toBuilder().clearInputs().clearOutputs().clearNodes().clearInitializers().clearValueInfo();
        g.inputs().forEach(v -> b.input(retype(v)));
        g.outputs().forEach(v -> b.output(retype(v)));
        g.valueInfo().values().forEach(v -> b.valueInfo(retype(v)));
        g.initializers().forEach((n, t) -> b.initializer(n, widen(t)));
        for (Node n : g.nodes()) {
            Node.Builder nb = n.toBuilder();
            if (n.opType().equals("Constant") && n.hasAttribute("value")) {
                nb.attribute(Attribute.of("value", widen(n.attribute("value").asTensor())));
            }
            if (n.opType().equals("Cast") && n.getInt("to", 0) == DType.FLOAT.code()) {
                nb.attr("to", (long) DType.DOUBLE.code());
            }
            if (n.opType().equals("ConstantOfShape") && n.hasAttribute("value")) {
                nb.attribute(Attribute.of("value", widen(n.attribute("value").asTensor())));
            }
            b.node(nb.build());
        }
        return b.build();
    }

    private static Value retype(Value v) {
        if (v.type() instanceof ValueType.TensorType t && t.elementType() == DType.FLOAT) {
            return new Value(v.name(), new ValueType.TensorType(DType.DOUBLE, t.shape()), v.docString());
        }
        return v;
    }

    private static Tensor widen(Tensor t) {
        return t.dtype() == DType.FLOAT ? Tensor.of(t.toDoubleArray(), t.dims()) : t;
    }
}
