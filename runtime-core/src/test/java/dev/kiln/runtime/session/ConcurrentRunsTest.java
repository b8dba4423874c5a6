package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs from many threads share one session and its recycled memory; every result must equal the single-threaded one bit for bit. */
class ConcurrentRunsTest {
    private static final int THREADS = 8;
    private static final int RUNS = 100;
    private static final int INPUTS = 4;

    private static Tensor random(Random r, long... dims) {
        float[] v = new float[(int) Tensor.zeros(dev.kiln.api.tensor.DType.FLOAT, dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, dims);
    }

    private static Graph graph() {
        Random r = new Random(7);
        return Graph.builder("concurrent").input(floats("x", "batch", 64)).output(floats("y", 64, "twice_batch")).output(floats("p", "batch", 64))
                .initializer("w1", random(r, 64, 64)).initializer("w2", random(r, 64, 32))
                .node(node("MatMul", in("x", "w1"), "h"))
                .node(Node.builder("Softmax").name("softmax_p").input("h").output("p").attr("axis", -1L).build())
                .node(node("MatMul", in("p", "w2"), "m"))
                .node(Node.builder("Concat").name("concat_c").inputs("m", "m").output("c").attr("axis", 1L).build())
                .node(Node.builder("Transpose").name("transpose_t").input("c").output("t").attr("perm", 1L, 0L).build())
                .node(node("MatMul", in("t", "p"), "y")).build();
    }

    @Test
    void eightThreadsTimesAHundredRunsMatchTheSingleThreadedResults() throws Exception {
        try (Session s = Session.open(model(graph()), SessionOptions.builder().threads(2).build())) {
            Random r = new Random(11);
            List<Map<String, RuntimeValue>> feeds = new ArrayList<>();
            List<Map<String, RuntimeValue>> expected = new ArrayList<>();
            for (int i = 0; i < INPUTS; i++) {
                feeds.add(Map.of("x", random(r, 8 + 8 * i, 64)));
                expected.add(s.run(feeds.get(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        int mismatches = 0;
                        for (int run = 0; run < RUNS; run++) {
                            int k = (run + offset) % INPUTS;
                            Map<String, RuntimeValue> out = s.run(feeds.get(k));
                            for (String name : List.of("y", "p")) {
                                if (!((Tensor) out.get(name)).contentEquals((Tensor) expected.get(k).get(name))) {
                                    mismatches++;
                                }
                            }
                        }
                        return mismatches;
                    }));
                }
                for (Future<Integer> f : results) {
                    assertEquals(0, f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
        }
    }
}
