package dev.kiln.runtime.backend;

import dev.kiln.api.KilnException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend providers a runtime knows, each checked once when the registry is built: its SPI version
 * against {@link SpiVersion#CURRENT}, its {@link BackendProvider#availability()}, and that its id is
 * unique. A provider failing a check is listed with the reason and skipped; it never prevents the others
 * from being used.
 *
 * <p>Immutable and thread-safe. The registry does not create backends; sessions do, and own them.
 */
public final class BackendRegistry {
    /** The id of the CPU backend, the host backend every other backend falls back to. */
    public static final String CPU_ID = "cpu";

    private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);
    private static volatile BackendRegistry defaultRegistry;

    private final List<ProviderStatus> statuses;

    private BackendRegistry(List<ProviderStatus> statuses) {
        this.statuses = List.copyOf(statuses);
    }

    /** The providers on this class's class path, loaded once and shared. */
    public static BackendRegistry defaultRegistry() {
        BackendRegistry r = defaultRegistry;
        if (r == null) {
            synchronized (BackendRegistry.class) {
                r = defaultRegistry;
                if (r == null) {
                    r = builder().discover(null).build();
                    defaultRegistry = r;
                }
            }
        }
        return r;
    }

    /** The providers a class loader lists (a null loader means this class's loader). */
    public static BackendRegistry load(ClassLoader loader) {
        return builder().discover(loader).build();
    }

    /** A registry of exactly the given providers, without looking at the class path. */
    public static BackendRegistry of(Collection<? extends BackendProvider> providers) {
        Builder b = builder();
        providers.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every provider found, usable ones first in default preference order (priority, highest first; the
     * CPU backend last), then the skipped ones with their reasons. For listings such as {@code kiln backends}.
     */
    public List<ProviderStatus> providers() {
        return statuses;
    }

    /** The usable providers in default preference order: priority, highest first, the CPU backend last. */
    public List<BackendProvider> usable() {
        List<BackendProvider> out = new ArrayList<>();
        for (ProviderStatus s : statuses) {
            if (s.usable()) {
                out.add(s.provider());
            }
        }
        return out;
    }

    /** The status of the provider with this id, or null when none has it. */
    public ProviderStatus status(String id) {
        for (ProviderStatus s : statuses) {
            if (id.equals(s.id())) {
                return s;
            }
        }
        return null;
    }

    /**
     * The usable provider with this id; throws {@link KilnException} naming the known ids when there is
     * none, or the reason when it was skipped.
     */
    public BackendProvider require(String id) {
        ProviderStatus s = status(id);
        if (s == null) {
            List<String> known = statuses.stream().map(ProviderStatus::id).filter(Objects::nonNull).toList();
            throw new KilnException("unknown backend '" + id + "'; known backends: " + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
        if (!s.usable()) {
            throw new KilnException("backend '" + id + "' cannot be used: " + s.reason());
        }
        return s.provider();
    }

    @Override
    public String toString() {
        return "BackendRegistry" + statuses.stream().map(ProviderStatus::describe).toList();
    }

    /** Collects providers from the class path and from code; {@link #build()} checks each one. Not thread-safe. */
    public static final class Builder {
        private final List<BackendProvider> providers = new ArrayList<>();
        private final List<String> loadFailures = new ArrayList<>();

        private Builder() {
        }

        /** Adds the providers a class loader lists, and its entries that failed to load (null: this class's loader). */
        public Builder discover(ClassLoader loader) {
            return discovered(ProviderDiscovery.load(loader));
        }

        /** Adds the result of an earlier discovery. */
        public Builder discovered(ProviderDiscovery discovery) {
            providers.addAll(discovery.providers());
            loadFailures.addAll(discovery.failures());
            return this;
        }

        /** Adds a provider given by code (for example bound with Guice). */
        public Builder add(BackendProvider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        public BackendRegistry build() {
            Map<String, ProviderStatus> byId = new LinkedHashMap<>();
            List<ProviderStatus> skipped = new ArrayList<>();
            for (BackendProvider p : providers) {
                ProviderStatus s = check(p);
                ProviderStatus earlier = s.id() == null ? null : byId.get(s.id());
                if (earlier == null && s.id() != null) {
                    byId.put(s.id(), s);
                } else if (earlier != null) {
                    // the same id twice (e.g. found by ServiceLoader and bound in code): keep the preferred one, list the other
                    boolean replace = !earlier.usable() && s.usable() || earlier.usable() == s.usable() && s.priority() > earlier.priority();
                    ProviderStatus kept = replace ? s : earlier;
                    ProviderStatus dropped = replace ? earlier : s;
                    byId.put(s.id(), kept);
                    skipped.add(skip(dropped, "duplicate backend id '" + s.id() + "': " + kept.origin() + " provides it too"));
                } else {
                    skipped.add(s);
                }
            }
            for (String failure : loadFailures) {
                LOG.warn("a backend provider could not be loaded: {}", failure);
                skipped.add(new ProviderStatus(null, 0, null, false, "could not be loaded: " + failure, failure, null));
            }
            List<ProviderStatus> all = new ArrayList<>();
            byId.values().stream().filter(ProviderStatus::usable).sorted(PREFERENCE).forEach(all::add);
            byId.values().stream().filter(s -> !s.usable()).sorted(PREFERENCE).forEach(all::add);
            all.addAll(skipped);
            return new BackendRegistry(all);
        }

        private static ProviderStatus skip(ProviderStatus s, String reason) {
            LOG.warn("backend provider {} skipped: {}", s.origin(), reason);
            return new ProviderStatus(s.id(), s.priority(), s.spiVersion(), false, reason, s.origin(), s.provider());
        }

        /** Asks the provider who it is and whether it can run; any failure becomes the reason it is skipped. */
        private static ProviderStatus check(BackendProvider p) {
            String origin = p.getClass().getName();
            String id = null;
            int priority = 0;
            SpiVersion version = null;
            try {
                id = p.id();
                if (id == null || id.isBlank()) {
                    return skip(new ProviderStatus(null, 0, null, false, "", origin, p), "the provider returns no id");
                }
                priority = p.priority();
                version = p.spiVersion();
                if (version == null || !version.isCompatibleWith(SpiVersion.CURRENT)) {
                    return skip(new ProviderStatus(id, priority, version, false, "", origin, p), "backend '" + id + "' was built against backend SPI "
                            + version + ", but this runtime implements SPI " + SpiVersion.CURRENT + " (it accepts major version "
                            + SpiVersion.CURRENT.major() + ", minor version at most " + SpiVersion.CURRENT.minor() + ")");
                }
                Availability a = p.availability();
                if (a == null || !a.isAvailable()) {
                    String why = a == null || a.reason().isEmpty() ? "the provider reports it cannot run here" : a.reason();
                    LOG.debug("backend '{}' is unavailable: {}", id, why);
                    return new ProviderStatus(id, priority, version, false, why, origin, p);
                }
                return new ProviderStatus(id, priority, version, true, "", origin, p);
            } catch (RuntimeException | LinkageError e) {
                return skip(new ProviderStatus(id, priority, version, false, "", origin, p),
                        "the provider failed when queried: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /** Higher priority first, the CPU backend after every other, then by id for a stable order. */
    private static final Comparator<ProviderStatus> PREFERENCE = Comparator
            .comparing((ProviderStatus s) -> CPU_ID.equals(s.id()))
            .thenComparing(ProviderStatus::priority, Comparator.reverseOrder())
            .thenComparing(ProviderStatus::id);
}
