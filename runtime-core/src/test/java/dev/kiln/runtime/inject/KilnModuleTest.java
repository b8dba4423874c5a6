package dev.kiln.runtime.inject;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.testing.FakeDeviceProvider;
import dev.kiln.runtime.testing.StubProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KilnModuleTest {
    @Test
    void bindsTheRegistryWithDiscoveredAndAddedProviders() {
        FakeDeviceProvider fake = new FakeDeviceProvider();
        Injector injector = Guice.createInjector(new KilnModule(), binder -> {
            KilnModule.addBackend(binder, fake);
            KilnModule.addBackend(binder, Later.class);
        });
        BackendRegistry registry = injector.getInstance(BackendRegistry.class);
        assertSame(registry, injector.getInstance(BackendRegistry.class), "one registry per injector");
        assertEquals(java.util.List.of("fake", "later", "cpu"), registry.usable().stream().map(BackendProvider::id).toList());
        SessionFactory factory = injector.getInstance(SessionFactory.class);
        assertSame(registry, factory.registry());

        Graph g = Graph.builder("g").input(floats("x", 1, 2)).output(floats("y", 1, 2)).initializer("w", Tensor.of(new float[] {1, 0, 0, -1}, 2, 2))
                .node(node("MatMul", in("x", "w"), "h")).node(node("Relu", in("h"), "y")).build();
        try (Session s = factory.open(model(g), SessionOptions.builder().backends("fake", "cpu").threads(1).build())) {
            assertEquals("fake: 1 node, cpu: 1 node; 2 copies at device boundaries", s.backendSummary());
            Tensor y = (Tensor) s.run(Map.of("x", Tensor.of(new float[] {3, 4}, 1, 2))).get("y");
            assertTrue(y.floatData()[0] == 3 && y.floatData()[1] == 0, y.toString());
        }
    }

    /** A provider class Guice constructs. */
    public static final class Later extends StubProvider {
        public Later() {
            super("later", 10, dev.kiln.api.spi.SpiVersion.CURRENT, dev.kiln.api.spi.Availability.ok());
        }
    }
}
