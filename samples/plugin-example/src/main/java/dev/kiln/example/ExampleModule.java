package dev.kiln.example;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.kiln.api.spi.BackendProvider;

/**
 * Adds the example backend to an application that composes Kiln with Guice:
 * {@code Guice.createInjector(new KilnModule(), new ExampleModule())}. Kiln's module collects every
 * {@link BackendProvider} bound into this set; binding the same provider that ServiceLoader also finds is
 * harmless (the registry keeps one per id).
 */
public final class ExampleModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder<BackendProvider> providers = Multibinder.newSetBinder(binder(), BackendProvider.class);
        providers.permitDuplicates();
        providers.addBinding().to(ExampleBackendProvider.class);
    }
}
