package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.backend.ProviderStatus;
import dev.kiln.runtime.session.NodeAssignment;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Needs no GPU (and skips where one is usable): with the CUDA backend on the class path but no driver or
 * device, the registry lists it as unavailable with the reason, sessions run on the CPU without error, and
 * nothing is printed to stderr (no stack traces from loading natives).
 */
class CudaCpuFallbackTest {
    @BeforeEach
    void onlyWithoutAGpu() {
        Assumptions.assumeFalse(new CudaBackendProvider().availability().isAvailable(), "a GPU is usable here");
    }

    @Test
    void theRegistryListsCudaAsUnavailableWithTheReason() {
        ProviderStatus s = BackendRegistry.defaultRegistry().status(CudaBackendProvider.ID);
        assertTrue(s != null, "the cuda provider must be discovered");
        assertFalse(s.usable());
        assertFalse(s.reason().isBlank(), "an unavailable backend must say why");
        System.out.println("cuda: " + s.describe());
    }

    @Test
    void aSessionRunsOnTheCpuWithoutErrorOrStackTraces() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Map<String, RuntimeValue> out;
        try (PrintStream p = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(p);
            try (Session s = Session.open(CudaTestModels.mlp(), SessionOptions.defaults())) {
                out = s.run(Map.of("x", CudaTestModels.random(new Random(5), 3, 16)));
                for (NodeAssignment a : s.assignment()) {
                    assertEquals(BackendRegistry.CPU_ID, a.backendId(), "node " + a.nodeName());
                }
            }
        } finally {
            System.setErr(err);
        }
        Tensor y = (Tensor) out.get("y");
        assertEquals(12, y.size());
        for (int row = 0; row < 3; row++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += y.getDouble(row * 4 + j);
            }
            assertEquals(1.0, sum, 1e-5, "softmax rows sum to 1");
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "nothing may be printed to stderr");
    }

    @Test
    void askingForCudaExplicitlyFailsWithTheReason() {
        String reason = new CudaBackendProvider().availability().reason();
        KilnException e = assertThrows(KilnException.class,
                () -> Session.open(CudaTestModels.mlp(), SessionOptions.builder().backends("cuda").build()).close());
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        System.out.println("explicit --backend cuda: " + e.getMessage() + " (provider reason: " + reason + ")");
    }
}
