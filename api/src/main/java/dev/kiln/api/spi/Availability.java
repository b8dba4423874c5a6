package dev.kiln.api.spi;

import dev.kiln.api.Stable;

/**
 * Whether a backend can run on this machine, and if not, why ("no CUDA driver found").
 *
 * @param isAvailable true when {@link BackendProvider#create} is expected to succeed
 * @param reason    a human-readable reason when unavailable; empty when available
 */
@Stable
public record Availability(boolean isAvailable, String reason) {
    private static final Availability AVAILABLE = new Availability(true, "");

    public Availability {
        reason = reason == null ? "" : reason;
    }

    public static Availability ok() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
