package dev.kiln.runtime.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.backend.ProviderDiscovery;
import dev.kiln.runtime.session.SessionFactory;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Kiln's Guice composition root. Binds a {@code Multibinder<BackendProvider>} filled with the providers
 * {@link java.util.ServiceLoader} finds, plus any an application adds with {@link #addBackend}; a
 * singleton {@link BackendRegistry} built from that set (entries that failed to load are listed in it
 * with their reason); and a {@link SessionFactory} that opens sessions with that registry.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new KilnModule(), binder -> KilnModule.addBackend(binder, MyProvider.class));
 * try (Session s = injector.getInstance(SessionFactory.class).open(path)) { ... }
 * }</pre>
 */
public final class KilnModule extends AbstractModule {
    private final ClassLoader loader;
    private volatile List<String> loadFailures = List.of();

    /** Discovers providers with this module's class loader. */
    public KilnModule() {
        this(null);
    }

    /** Discovers providers with the given class loader (null: this module's). */
    public KilnModule(ClassLoader loader) {
        this.loader = loader;
    }

    /** Adds a provider instance to the set the registry is built from. */
    public static void addBackend(Binder binder, BackendProvider provider) {
        Objects.requireNonNull(provider, "provider");
        backends(binder).addBinding().toInstance(provider);
    }

    /** Adds a provider class (Guice constructs it) to the set the registry is built from. */
    public static void addBackend(Binder binder, Class<? extends BackendProvider> providerClass) {
        Objects.requireNonNull(providerClass, "providerClass");
        backends(binder).addBinding().to(providerClass);
    }

    private static Multibinder<BackendProvider> backends(Binder binder) {
        Multibinder<BackendProvider> m = Multibinder.newSetBinder(binder, BackendProvider.class);
        m.permitDuplicates();
        return m;
    }

    @Override
    protected void configure() {
        ProviderDiscovery discovery = ProviderDiscovery.load(loader);
        Multibinder<BackendProvider> set = backends(binder());
        for (BackendProvider p : discovery.providers()) {
            set.addBinding().toInstance(p);
        }
        loadFailures = discovery.failures();
        bind(SessionFactory.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    BackendRegistry backendRegistry(Set<BackendProvider> providers) {
        BackendRegistry.Builder b = BackendRegistry.builder();
        providers.forEach(b::add);
        return b.discovered(new ProviderDiscovery(List.of(), loadFailures)).build();
    }
}
