package dev.kiln.runtime.testing;

import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;

/** A test-only provider with a chosen id, priority, SPI version and availability; it never creates a backend. */
public class StubProvider implements BackendProvider {
    private final String id;
    private final int priority;
    private final SpiVersion version;
    private final Availability availability;

    public StubProvider(String id, int priority, SpiVersion version, Availability availability) {
        this.id = id;
        this.priority = priority;
        this.version = version;
        this.availability = availability;
    }

    public static StubProvider available(String id, int priority) {
        return new StubProvider(id, priority, SpiVersion.CURRENT, Availability.ok());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SpiVersion spiVersion() {
        return version;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Backend create(BackendContext context) {
        throw new UnsupportedOperationException("stub provider '" + id + "' creates no backend");
    }
}
