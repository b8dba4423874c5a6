package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.testing.OrtReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loss expansion matches ONNX Runtime's loss kernels, and its gradient matches finite differences. */
class LossGradientTest {
    private static final Tensor LABELS = Tensor.of(new long[] {0, 3, 3, 1}, 4);
    private static final Tensor LABELS_2D = Tensor.of(new long[] {0, 3, 2, 1, 1, 2}, 2, 3);
    private static final Tensor WEIGHTS = Tensor.of(new double[] {0.5, 1.5, 1.0, 2.0}, 4);

    @ParameterizedTest
    @CsvSource({"SoftmaxCrossEntropyLoss,mean,false,false", "SoftmaxCrossEntropyLoss,sum,true,false",
            "SoftmaxCrossEntropyLoss,none,false,true", "SoftmaxCrossEntropyLoss,mean,true,true",
            "NegativeLogLikelihoodLoss,mean,false,false", "NegativeLogLikelihoodLoss,sum,true,true",
            "NegativeLogLikelihoodLoss,mean,true,true", "NegativeLogLikelihoodLoss,none,true,false"})
    void matchesOrtAndFiniteDifferences(String op, String reduction, boolean weighted, boolean ignore) {
        Consumer<Node.Builder> attrs = b -> {
            b.attr("reduction", reduction);
            if (ignore) {
                b.attr("ignore_index", 3L);
            }
        };
        for (boolean spatial : new boolean[] {false, true}) {
            long[] dims = spatial ? new long[] {2, 4, 3} : new long[] {4, 4};
            Tensor labels = spatial ? LABELS_2D : LABELS;
            GradientChecker c = GradientChecker.of(op).input(dims).constant(labels);
            if (weighted) {
                c.input(WEIGHTS);
            }
            c.attrs(attrs).label(op).check();
            compareWithOrt(op, attrs, dims, labels, weighted);
        }
    }

    private static void compareWithOrt(String op, Consumer<Node.Builder> attrs, long[] dims, Tensor labels, boolean weighted) {
        Random r = new Random(7);
        double[] x = new double[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        Tensor scores = Tensor.of(x, dims);
        Node.Builder nb = Node.builder(op).name("loss").inputs("x", "t");
        if (weighted) {
            nb.input("w");
        }
        attrs.accept(nb);
        Node node = nb.output("y").build();
        List<Tensor> feeds = new ArrayList<>(List.of(scores, labels));
        if (weighted) {
            feeds.add(WEIGHTS);
        }
        Tensor expected = OrtReference.runNode(node, 13, feeds, List.of(DType.DOUBLE)).get(0);
        Graph.Builder g = Graph.builder("loss").input("x", ValueType.tensor(DType.DOUBLE, dims))
                .input("t", ValueType.tensor(DType.INT64, labels.dims())).node(node).output("y", null);
        Map<String, Tensor> in = new LinkedHashMap<>(Map.of("x", scores, "t", labels));
        if (weighted) {
            g.input("w", ValueType.tensor(DType.DOUBLE, 4));
            in.put("w", WEIGHTS);
        }
        try (Session s = Session.open(Model.builder(LossExpansion.expand(g.build())).opset("", 21).build(), SessionOptions.defaults())) {
            Tensor actual = (Tensor) s.run(in).get("y");
            assertArrayEquals(expected.dims(), actual.dims());
            assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12);
        }
        assertEquals(DType.DOUBLE, expected.dtype());
    }
}
