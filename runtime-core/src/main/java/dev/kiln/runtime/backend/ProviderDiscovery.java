package dev.kiln.runtime.backend;

import dev.kiln.api.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The backend providers listed in {@code META-INF/services/dev.kiln.api.spi.BackendProvider} of a class
 * loader, together with the entries that could not be loaded. Loading never throws: a provider whose
 * class is missing, fails to link or throws in its constructor becomes a failure message instead.
 *
 * @param providers the providers instantiated, in class-path order
 * @param failures  one message per entry that could not be loaded
 */
public record ProviderDiscovery(List<BackendProvider> providers, List<String> failures) {
    /** Stops a service iterator that keeps failing on the same entry from looping forever. */
    private static final int MAX_FAILURES = 64;

    public ProviderDiscovery {
        providers = List.copyOf(providers);
        failures = List.copyOf(failures);
    }

    /** Loads every provider the loader lists; a null loader means this class's loader. */
    public static ProviderDiscovery load(ClassLoader loader) {
        ClassLoader cl = loader != null ? loader : ProviderDiscovery.class.getClassLoader();
        List<BackendProvider> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, cl).iterator();
        while (failures.size() < MAX_FAILURES) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(describe(e));
            }
        }
        return new ProviderDiscovery(found, failures);
    }

    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(" (caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(')');
        }
        return b.toString();
    }
}
