package dev.kiln.runtime.session;

import dev.kiln.api.KilnException;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.runtime.backend.BackendRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the backends a session uses, in preference order. By default every usable provider of the
 * registry, by priority with the CPU last; a provider that fails to create its backend is then skipped
 * with a warning. An explicit list must name usable providers, each of which must create its backend;
 * the CPU is appended unless {@link SessionOptions#fallbackToCpu()} is off. Stateless.
 */
final class BackendSelection {
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelection.class);

    private BackendSelection() {
    }

    /** The created backends; the caller owns them and must close them. */
    static List<Backend> create(BackendRegistry registry, SessionOptions options) {
        boolean explicit = !options.backends().isEmpty();
        List<BackendProvider> providers = new ArrayList<>();
        if (explicit) {
            for (String id : options.backends()) {
                providers.add(registry.require(id));
            }
            if (options.fallbackToCpu() && !options.backends().contains(BackendRegistry.CPU_ID)) {
                var cpu = registry.status(BackendRegistry.CPU_ID);
                if (cpu != null && cpu.usable()) {
                    providers.add(cpu.provider());
                }
            }
        } else {
            providers.addAll(registry.usable());
        }
        if (providers.isEmpty()) {
            throw new KilnException("no backend is available; put kiln-backend-cpu on the class path (found: "
                    + (registry.providers().isEmpty() ? "none" : registry.providers().stream().map(s -> s.describe()).toList()) + ")");
        }
        BackendContext context = new BackendContext(options.threads(), options.backendOptions());
        List<Backend> created = new ArrayList<>();
        for (BackendProvider p : providers) {
            try {
                created.add(p.create(context));
            } catch (RuntimeException | LinkageError e) {
                if (explicit || providers.size() == 1) {
                    closeAll(created);
                    throw new KilnException("backend '" + p.id() + "' could not be created: " + e.getMessage(), e);
                }
                LOG.warn("backend '{}' could not be created and is skipped: {}", p.id(), e.toString());
            }
        }
        if (created.isEmpty()) {
            throw new KilnException("no backend could be created; tried " + providers.stream().map(BackendProvider::id).toList());
        }
        return created;
    }

    /** Closes each backend, logging failures so that one failing close does not leak the others. */
    static void closeAll(List<Backend> backends) {
        for (Backend b : backends) {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.warn("closing backend '{}' failed: {}", b.id(), e.toString());
            }
        }
    }
}
