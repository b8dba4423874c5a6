package dev.kiln.runtime.testing;

import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;

/** A test-only provider whose constructor fails, as a provider that loads native code eagerly might. */
public final class ThrowingProvider implements BackendProvider {
    public ThrowingProvider() {
        throw new IllegalStateException("native library missing");
    }

    @Override
    public String id() {
        return "throwing";
    }

    @Override
    public SpiVersion spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Backend create(BackendContext context) {
        throw new UnsupportedOperationException();
    }
}
