package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import java.util.Map;

/**
 * Settings a backend is created with.
 *
 * @param threads intra-op threads the backend may use (at least 1)
 * @param options backend-specific options by key (e.g. {@code device=1}); never null
 */
@Stable
public record BackendContext(int threads, Map<String, String> options) {
    public BackendContext {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        options = Map.copyOf(options);
    }

    /** Default settings: one thread per available processor, no options. */
    public static BackendContext defaults() {
        return new BackendContext(Runtime.getRuntime().availableProcessors(), Map.of());
    }

    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }
}
