package dev.kiln.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelReader;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.testing.SmallModels;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One session of a real model shared by 8 threads: every output of every run must equal, bit for bit, the
 * output of the same input run alone before the threads start. Inputs of different batch sizes are mixed,
 * so runs of different shapes overlap and share the recycled memory, the prepacked weights and the backend's
 * thread pool.
 */
class RealModelConcurrencyTest {
    private static final int THREADS = 8;

    @Test
    void aCnnAndMlpRunFromEightThreadsFiveHundredTimesEachMatchesSingleThreadedRuns() throws Exception {
        try (Session s = Session.open(SmallModels.cnnAndMlp(), SessionOptions.builder().threads(2).build())) {
            List<Map<String, Tensor>> feeds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                feeds.add(SmallModels.cnnAndMlpInputs(100 + i, 1 + i));
            }
            assertEquals(0, mismatches(s, feeds, 500));
        }
    }

    @Test
    void miniLmRunFromEightThreadsMatchesSingleThreadedRuns() throws Exception {
        Assumptions.assumeTrue(ModelFormats.readers().stream().map(ModelReader::format).anyMatch("onnx"::equalsIgnoreCase),
                "no ONNX model reader on the class path");
        byte[] bytes;
        try (InputStream in = RealModelConcurrencyTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx is not on the test class path");
            bytes = in.readAllBytes();
        }
        try (Session s = Session.open(bytes, SessionOptions.builder().threads(2).build())) {
            List<Map<String, Tensor>> feeds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                feeds.add(miniLmFeeds(s, 1 + i % 2, 6 + 4 * i, new Random(i)));
            }
            assertEquals(0, mismatches(s, feeds, 8));
        }
    }

    /** Expected outputs from single-threaded runs, then {@code runsPerThread} runs on each of 8 threads; returns the differing outputs. */
    static int mismatches(Session s, List<Map<String, Tensor>> feeds, int runsPerThread) throws Exception {
        List<Map<String, RuntimeValue>> expected = new ArrayList<>();
        for (Map<String, Tensor> f : feeds) {
            expected.add(s.run(f));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    int bad = 0;
                    for (int run = 0; run < runsPerThread; run++) {
                        int k = (run + offset) % feeds.size();
                        Map<String, RuntimeValue> out = s.run(feeds.get(k));
                        for (Map.Entry<String, RuntimeValue> e : expected.get(k).entrySet()) {
                            if (!((Tensor) out.get(e.getKey())).contentEquals((Tensor) e.getValue())) {
                                bad++;
                            }
                        }
                    }
                    return bad;
                }));
            }
            int bad = 0;
            for (Future<Integer> f : results) {
                bad += f.get(120, TimeUnit.SECONDS);
            }
            return bad;
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static Map<String, Tensor> miniLmFeeds(Session s, int batch, int tokens, Random r) {
        long[] ids = new long[batch * tokens];
        for (int i = 0; i < ids.length; i++) {
            int t = i % tokens;
            ids[i] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + r.nextInt(20000);
        }
        long[] ones = new long[ids.length];
        java.util.Arrays.fill(ones, 1);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (Value v : s.inputs()) {
            feeds.put(v.name(), switch (v.name()) {
                case "input_ids" -> Tensor.of(ids, batch, tokens);
                case "attention_mask" -> Tensor.of(ones, batch, tokens);
                default -> Tensor.zeros(DType.INT64, batch, tokens);
            });
        }
        return feeds;
    }
}
