package dev.kiln.example;

import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;

/**
 * Entry point of the example backend, id {@code example}, listed in
 * {@code META-INF/services/dev.kiln.api.spi.BackendProvider}. Cheap to construct, stateless, thread-safe:
 * a real vendor would probe its driver in {@link #availability()}, never in the constructor.
 */
public final class ExampleBackendProvider implements BackendProvider {
    public static final String ID = "example";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SpiVersion spiVersion() {
        // the constants are inlined at compile time: this records the SPI the plugin was built against
        return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
    }

    /** Above the CPU backend (0), so the nodes this backend claims run here. */
    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Backend create(BackendContext context) {
        return new ExampleBackend();
    }
}
