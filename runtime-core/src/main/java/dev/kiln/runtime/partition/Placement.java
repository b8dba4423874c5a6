package dev.kiln.runtime.partition;

import dev.kiln.api.spi.Backend;
import dev.kiln.runtime.backend.BackendRegistry;

/**
 * Where values live while a graph runs. The CPU backend computes on host (Java heap) tensors, so its
 * values and the caller's share one location and need no copies; any other backend is assumed to keep
 * its values in its own memory, reached through {@link Backend#fromHost} and {@link Backend#toHost}.
 * Stateless.
 */
public final class Placement {
    /** The location of host tensors: graph inputs, initializers, outputs, CPU values. */
    public static final String HOST = "host";
    /** The backend id reported for nodes the runtime runs itself: If, Loop and Scan. */
    public static final String RUNTIME = "runtime";

    private Placement() {
    }

    /** True when the backend computes on host tensors (the SPI has no such flag; see the class comment). */
    public static boolean isHost(Backend backend) {
        return BackendRegistry.CPU_ID.equals(backend.id());
    }

    /** {@link #HOST} for a host backend, else the backend's id. */
    public static String locationOf(Backend backend) {
        return isHost(backend) ? HOST : backend.id();
    }
}
