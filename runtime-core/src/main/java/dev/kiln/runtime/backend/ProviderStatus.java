package dev.kiln.runtime.backend;

import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;

/**
 * What the registry found out about one backend provider: who it is and whether sessions may use it.
 *
 * @param id         the provider's id; null when its class could not be loaded or asked for its id
 * @param priority   the provider's priority (0 when unknown)
 * @param spiVersion the SPI version the provider was built against; null when unknown
 * @param usable     true when sessions may create this backend
 * @param reason     why the provider is not usable; empty when usable
 * @param origin     the provider's class name, or the loading error when there is no class
 * @param provider   the provider instance; null when it could not be loaded
 */
public record ProviderStatus(String id, int priority, SpiVersion spiVersion, boolean usable, String reason, String origin,
                             BackendProvider provider) {
    public ProviderStatus {
        reason = reason == null ? "" : reason;
        origin = origin == null ? "" : origin;
    }

    /** One line for listings: {@code cpu  priority 0  available} or {@code cuda  priority 100  unavailable: no CUDA driver}. */
    public String describe() {
        String state = usable ? "available" : "unavailable: " + reason;
        return (id == null ? "(unloadable provider)" : id) + "  priority " + priority + "  " + state;
    }
}
