package dev.kiln.runtime.train.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Training and inference forms of the layers, and the initializers. */
class LayersTest {
    private static Tensor run(NetBuilder.Mode mode, Parameters params, Layer layer, Tensor x, Map<String, Tensor> extra) {
        NetBuilder net = new NetBuilder(mode, params, "t");
        long[] perSample = java.util.Arrays.copyOfRange(x.dims(), 1, x.rank());
        Sym y = layer.apply(net, net.input("x", perSample));
        net.node(Node.builder("Identity").inputs(y.name()).outputs("y").build());
        net.output("y", DType.FLOAT);
        for (Map.Entry<String, String> e : net.bufferUpdates().entrySet()) {
            net.node(Node.builder("Identity").inputs(e.getValue()).outputs(e.getKey() + ".next").build());
            net.output(e.getKey() + ".next", DType.FLOAT);
        }
        var model = dev.kiln.api.ir.Model.builder(net.build()).opset("", 21).build();
        Map<String, Tensor> feeds = new HashMap<>(params.all());
        feeds.put("x", x);
        feeds.putAll(extra);
        try (Session s = Session.open(model, SessionOptions.defaults())) {
            Map<String, dev.kiln.api.tensor.RuntimeValue> out = s.run(feeds);
            out.forEach((k, v) -> {
                if (k.endsWith(".next")) {
                    params.set(k.substring(0, k.length() - 5), (Tensor) v);
                }
            });
            return (Tensor) out.get("y");
        }
    }

    private static Tensor gaussian(long seed, long... dims) {
        Rng rng = new Rng(seed);
        float[] a = new float[(int) dev.kiln.api.tensor.Shape.of(dims).elementCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * 2 + 3);
        }
        return Tensor.of(a, dims);
    }

    @Test
    void batchNormTrainingNormalizesAndMomentumZeroMakesInferenceAgree() {
        Parameters p = new Parameters(1);
        Tensor x = gaussian(4, 16, 3, 2, 2);
        BatchNorm bn = new BatchNorm(0.0, 1e-5);
        float[] train = run(NetBuilder.Mode.TRAIN, p, bn, x, Map.of()).floatData();
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int n = 0; n < 16; n++) {
                for (int k = 0; k < 4; k++) {
                    double v = train[n * 12 + c * 4 + k];
                    sum += v;
                    sq += v * v;
                }
            }
            assertEquals(0, sum / 64, 1e-5);
            assertEquals(1, sq / 64, 1e-3);
        }
        // with momentum 0 the running statistics are this batch's, so inference reproduces training
        float[] infer = run(NetBuilder.Mode.INFER, p, bn, x, Map.of()).floatData();
        for (int i = 0; i < train.length; i++) {
            assertEquals(train[i], infer[i], 1e-4);
        }
    }

    @Test
    void layerNormTrainingFormEqualsOnnxLayerNormalization() {
        Parameters p = new Parameters(1);
        Tensor x = gaussian(5, 4, 6);
        float[] train = run(NetBuilder.Mode.TRAIN, p, new LayerNorm(), x, Map.of()).floatData();
        float[] infer = run(NetBuilder.Mode.INFER, p, new LayerNorm(), x, Map.of()).floatData();
        for (int i = 0; i < train.length; i++) {
            assertEquals(infer[i], train[i], 1e-5);
        }
    }

    @Test
    void dropoutMultipliesByTheFedMaskAndIsIdentityInInference() {
        Parameters p = new Parameters(1);
        Tensor x = gaussian(6, 2, 3);
        Tensor mask = Tensor.of(new float[] {2, 0, 2, 0, 0, 2}, 2, 3);
        float[] y = run(NetBuilder.Mode.TRAIN, p, new Dropout(0.5), x, Map.of("dropout_0.mask", mask)).floatData();
        for (int i = 0; i < 6; i++) {
            assertEquals(x.floatData()[i] * mask.floatData()[i], y[i], 1e-6);
        }
        assertEquals(List.of(x.floatData()[0]), List.of(run(NetBuilder.Mode.INFER, p, new Dropout(0.5), x, Map.of()).floatData()[0]));
    }

    @Test
    void initializersHaveTheirVariance() {
        Rng rng = new Rng(9);
        float[] he = Initializer.HE_NORMAL.draw(rng, 40000, 50, 10);
        float[] glorot = Initializer.GLOROT_UNIFORM.draw(rng, 40000, 50, 30);
        assertEquals(2.0 / 50, variance(he), 2.0 / 50 * 0.05);
        double limit = Math.sqrt(6.0 / 80);
        assertEquals(limit * limit / 3, variance(glorot), limit * limit / 3 * 0.05);
        for (float v : glorot) {
            assertTrue(Math.abs(v) <= limit);
        }
    }

    private static double variance(float[] a) {
        double s = 0;
        double sq = 0;
        for (float v : a) {
            s += v;
            sq += v * v;
        }
        double m = s / a.length;
        return sq / a.length - m * m;
    }
}
