package dev.kiln.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionOptionsTest {
    @Test
    void defaults() {
        SessionOptions o = SessionOptions.defaults();
        assertEquals(Runtime.getRuntime().availableProcessors(), o.threads());
        assertEquals(List.of(), o.backends());
        assertTrue(o.fallbackToCpu());
        assertFalse(o.checkNonFinite());
        assertEquals(ModelLoadOptions.DEFAULT_MAX_BYTES, o.modelLoadOptions().maxBytes());
    }

    @Test
    void buildChecksItsArguments() {
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().threads(0).build());
        assertEquals("threads must be at least 1, got 0", threads.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().backends("cpu", "cpu").build());
        assertEquals("backend 'cpu' is listed twice in [cpu, cpu]", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().backends(" ").build());
    }

    @Test
    void toBuilderKeepsEverySetting() {
        SessionOptions o = SessionOptions.builder().threads(3).backends("cuda").fallbackToCpu(false).checkNonFinite(true)
                .modelLoadOptions(ModelLoadOptions.defaults().withMaxBytes(1024)).backendOption("device", "1").build();
        SessionOptions copy = o.toBuilder().build();
        assertEquals(3, copy.threads());
        assertEquals(List.of("cuda"), copy.backends());
        assertFalse(copy.fallbackToCpu());
        assertTrue(copy.checkNonFinite());
        assertEquals(1024, copy.modelLoadOptions().maxBytes());
        assertEquals("1", copy.backendOptions().get("device"));
    }
}
