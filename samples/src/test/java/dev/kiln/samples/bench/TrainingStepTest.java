package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.SessionOptions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's training step with its state donated to each run (AdamW updating in place) against the
 * same step allocating new state: the same losses and the same weights and moments after several steps,
 * the state kept in the same arrays throughout, and the forward graph's initializers never written.
 */
class TrainingStepTest {
    private static final int STEPS = 4;

    @Test
    void donatedStateGivesTheSameLossCurveAndWeights() {
        TrainingWorkload w = TrainingWorkload.find("train-mlp:16");
        Map<String, float[]> initial = new HashMap<>();
        w.forward().initializers().forEach((name, t) -> {
            if (t.dtype() == DType.FLOAT) {
                initial.put(name, t.floatData().clone());
            }
        });
        SessionOptions options = SessionOptions.builder().threads(2).build();
        try (TrainingStep plain = new TrainingStep(w.forward(), "loss", options, false);
             TrainingStep donated = new TrainingStep(w.forward(), "loss", options, true)) {
            Map<String, Object> arrays = new HashMap<>();
            donated.state().forEach((name, t) -> arrays.put(name, t.data()));
            double previous = Double.NaN;
            for (int i = 0; i < STEPS; i++) {
                double expected = plain.run(w.data());
                double got = donated.run(w.data());
                assertEquals(expected, got, 1e-5 * Math.max(1, Math.abs(expected)), "loss of step " + (i + 1));
                assertTrue(i == 0 || got != previous, "the weights change between steps");
                previous = got;
            }
            for (Map.Entry<String, Tensor> e : plain.state().entrySet()) {
                Tensor mine = donated.state().get(e.getKey());
                assertArrayEquals(e.getValue().floatData(), mine.floatData(), 1e-5f, e.getKey() + " after " + STEPS + " steps");
                assertSame(arrays.get(e.getKey()), mine.data(), e.getKey() + " was updated in its own array every step");
            }
        }
        initial.forEach((name, values) -> assertArrayEquals(values, w.forward().initializers().get(name).floatData(), "initializer " + name));
    }
}
