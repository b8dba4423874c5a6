package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.RandomTensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * In a JVM without {@code --add-modules jdk.incubator.vector}, MultiHeadAttention, Softmax and Gelu run on
 * their plain paths and never load a class of the SIMD package that refers to the Vector API.
 */
class PlainPathWithoutVectorApiTest {
    @Test
    void theKernelsRunWithoutLoadingTheVectorApi() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class", "-cp",
                System.getProperty("java.class.path"), Child.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out.lines().filter(l -> !l.startsWith("[")).reduce("", (a, b) -> a + "\n" + b));
        assertTrue(out.contains("kernels ran: attention, softmax, gelu"), "the child did not finish its work");
        assertFalse(out.contains("jdk.incubator.vector"), "the Vector API was loaded");
        for (String simdClass : List.of("SimdAttention", "SimdMath", "SimdShape")) {
            assertFalse(out.contains("dev.kiln.backend.cpu.simd." + simdClass + " "), simdClass + " was loaded");
        }
    }

    /** Child JVM entry point: runs the three kernels once and says so. */
    public static final class Child {
        public static void main(String[] args) {
            Random random = new Random(2);
            Node mha = Node.builder("MultiHeadAttention").domain(LinalgKernels.FUSED_DOMAIN).inputs("q", "k", "v").output("y")
                    .attr("num_heads", 2L).attr("scale", 0.5f).build();
            Tensor q = RandomTensors.uniform(random, -1f, 1f, 1, 5, 8);
            KernelHarness.runOne(mha, q, q, q);
            KernelHarness.runOne(Node.builder("Softmax").input("x").output("y").build(), q);
            KernelHarness.runOne(Node.builder("Gelu").input("x").output("y").build(), q);
            System.out.println("kernels ran: attention, softmax, gelu");
        }
    }
}
