package dev.kiln.api.spi;

import dev.kiln.api.Stable;

/**
 * Entry point of a backend plugin, found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.kiln.api.spi.BackendProvider}) or bound with Guice.
 *
 * <p>Lifecycle: the runtime instantiates the provider (public no-arg constructor), checks
 * {@link #spiVersion()}, asks {@link #availability()} and, when available, calls {@link #create} once
 * per session or shared runtime; the caller owns and closes the returned {@link Backend}.
 * Implementations must be cheap to construct and must not load native code in the constructor:
 * failures to load belong in {@link #availability()}. Thread-safe.
 */
@Stable
public interface BackendProvider {
    /** Short unique id, lower case: {@code cpu}, {@code cuda}. */
    String id();

    /** The SPI version this provider was compiled against; see {@link SpiVersion}. */
    SpiVersion spiVersion();

    /** Higher runs first when several backends can run a node; the CPU backend uses 0. */
    int priority();

    /** Whether this backend can run here; never throws. */
    Availability availability();

    /** Creates a backend; throws {@link dev.kiln.api.KilnException} naming the reason when it cannot. */
    Backend create(BackendContext context);
}
