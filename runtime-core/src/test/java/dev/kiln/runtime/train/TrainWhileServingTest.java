package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.testing.SmallModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A trainer fitting on one thread and a session serving on others do not disturb each other: every
 * served output equals the one computed before training started, and the trained weights equal, bit for
 * bit, those of the same training run alone.
 */
class TrainWhileServingTest {
    private static final SessionOptions OPTIONS = SessionOptions.builder().threads(2).build();

    private static Map<String, Tensor> train(Dataset data) {
        try (Trainer t = Trainer.builder(TrainerTest.quickstartNetwork()).optimizer(Optimizer.adam(0.05)).batchSize(8).seed(11)
                .sessionOptions(OPTIONS).build()) {
            t.fit(data, null, 4);
            Map<String, Tensor> w = new LinkedHashMap<>();
            t.parameters().all().forEach((k, v) -> w.put(k, Tensor.of(v.floatData().clone(), v.dims())));
            return w;
        }
    }

    @Test
    void fittingInOneThreadLeavesAServingSessionsOutputsAndItsOwnResultUnchanged() throws Exception {
        Dataset data = Blobs.make(128, 8);
        Map<String, Tensor> alone = train(data);
        try (Session serving = Session.open(SmallModels.cnnAndMlp(), OPTIONS)) {
            List<Map<String, Tensor>> feeds = new ArrayList<>();
            List<Map<String, RuntimeValue>> expected = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                feeds.add(SmallModels.cnnAndMlpInputs(40 + i, 1 + i));
                expected.add(serving.run(feeds.get(i)));
            }
            CompletableFuture<Map<String, Tensor>> training = CompletableFuture.supplyAsync(() -> train(data));
            List<CompletableFuture<int[]>> servers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int offset = t;
                servers.add(CompletableFuture.supplyAsync(() -> {
                    int runs = 0;
                    int bad = 0;
                    while (!training.isDone() || runs < 50) {
                        int k = (runs + offset) % feeds.size();
                        Map<String, RuntimeValue> out = serving.run(feeds.get(k));
                        for (Map.Entry<String, RuntimeValue> e : expected.get(k).entrySet()) {
                            bad += ((Tensor) out.get(e.getKey())).contentEquals((Tensor) e.getValue()) ? 0 : 1;
                        }
                        runs++;
                    }
                    return new int[] {runs, bad};
                }));
            }
            Map<String, Tensor> together = training.get(120, TimeUnit.SECONDS);
            for (CompletableFuture<int[]> f : servers) {
                int[] r = f.get(120, TimeUnit.SECONDS);
                assertTrue(r[0] >= 50, "served " + r[0] + " runs");
                assertEquals(0, r[1], "served outputs that differ, out of " + r[0] + " runs");
            }
            assertEquals(alone.keySet(), together.keySet());
            alone.forEach((k, v) -> assertTrue(v.contentEquals(together.get(k)), "parameter '" + k + "' differs when trained beside serving"));
        }
    }
}
