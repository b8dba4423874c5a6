package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Parameters;
import dev.kiln.runtime.train.layers.Sym;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each loss graph against the formula evaluated by hand in double precision. */
class LossesTest {
    private static final float[] P = {0.7f, 0.2f, 0.1f, 0.05f, 0.9f, 0.05f};
    private static final float[] Y = {1, 0, 0, 0, 0, 1};

    private static double run(Loss loss, float[] p, float[] y, long... dims) {
        NetBuilder net = new NetBuilder(NetBuilder.Mode.INFER, new Parameters(0), "loss");
        long[] perSample = java.util.Arrays.copyOfRange(dims, 1, dims.length);
        Sym pred = net.input("p", perSample);
        String label = net.input("y", perSample).name();
        String out = loss.build(net, pred, label);
        net.node(dev.kiln.api.ir.Node.builder("Identity").inputs(out).outputs("loss").build());
        net.output("loss", DType.FLOAT);
        Model m = TrainingGraphs.model(net.build(), null);
        try (Session s = Session.open(m, SessionOptions.defaults())) {
            return ((Tensor) s.run(Map.of("p", Tensor.of(p, dims), "y", Tensor.of(y, dims))).get("loss")).getDouble(0);
        }
    }

    @Test
    void categoricalCrossEntropyOnProbabilities() {
        assertEquals(-(Math.log(0.7) + Math.log(0.05)) / 2, run(Losses.categoricalCrossEntropy(), P, Y, 2, 3), 1e-6);
    }

    @Test
    void softmaxCrossEntropyOnLogits() {
        double lse0 = Math.log(Math.exp(0.7) + Math.exp(0.2) + Math.exp(0.1));
        double lse1 = Math.log(Math.exp(0.05) + Math.exp(0.9) + Math.exp(0.05));
        assertEquals(((lse0 - 0.7) + (lse1 - 0.05)) / 2, run(Losses.softmaxCrossEntropy(), P, Y, 2, 3), 1e-6);
    }

    @Test
    void negativeLogLikelihoodOnLogProbabilities() {
        assertEquals(-(0.7 + 0.05) / 2, run(Losses.negativeLogLikelihood(), P, Y, 2, 3), 1e-6);
    }

    @Test
    void meanSquaredError() {
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += (P[i] - Y[i]) * (P[i] - Y[i]);
        }
        assertEquals(sum / 6, run(Losses.meanSquaredError(), P, Y, 2, 3), 1e-6);
    }

    @Test
    void binaryCrossEntropyClipsCertainMistakes() {
        float[] p = {0.8f, 0.3f, 0f};
        float[] y = {1, 0, 1};
        double expected = -(Math.log(0.8) + Math.log(0.7) + Math.log(1e-7)) / 3;
        assertEquals(expected, run(Losses.binaryCrossEntropy(), p, y, 3, 1), 1e-4);
    }
}
