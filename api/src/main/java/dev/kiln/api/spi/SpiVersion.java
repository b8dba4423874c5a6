package dev.kiln.api.spi;

import dev.kiln.api.Stable;

/**
 * The version of the backend SPI. A provider returns the version it was compiled against: write
 * {@code new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR)} so that the constants are copied into the
 * provider's class file at compile time. The runtime accepts a provider whose major version equals its
 * own and whose minor version is not newer.
 *
 * @param major incremented on incompatible changes
 * @param minor incremented when methods with defaults are added
 */
@Stable
public record SpiVersion(int major, int minor) {
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    public static final SpiVersion CURRENT = new SpiVersion(MAJOR, MINOR);

    /** True when a runtime of version {@code runtime} can use a provider built against this version. */
    public boolean isCompatibleWith(SpiVersion runtime) {
        return major == runtime.major && minor <= runtime.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
