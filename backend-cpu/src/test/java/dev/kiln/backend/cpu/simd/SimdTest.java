package dev.kiln.backend.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimdTest {
    @Test
    void testJvmHasTheModuleAndTheKernelsFollowTheVectorWidth() {
        // surefire starts the tests with ${kiln.simd.jvm}, so the SIMD kernels are exercised by every kernel test
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the test JVM should run with " + Simd.JVM_OPTION);
        assertEquals(SimdShape.floatBits() >= 256, Simd.enabled(), Simd.describe());
    }

    @Test
    void withoutTheModuleOrWhenTurnedOffTheReasonIsGiven() throws Exception {
        assertTrue(describeInChild().contains("without " + Simd.JVM_OPTION));
        assertTrue(describeInChild("--add-modules", "jdk.incubator.vector", "-Dkiln.simd=off")
                .contains("turned off by -Dkiln.simd=off"));
    }

    private static String describeInChild(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Describe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Child JVM entry point: prints what {@link Simd} decided. */
    public static final class Describe {
        public static void main(String[] args) {
            System.out.println(Simd.describe());
        }
    }
}
