package dev.kiln.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;
import dev.kiln.runtime.testing.StubProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendRegistryTest {
    @Test
    void findsTheCpuBackendOnTheClassPath() {
        ProviderStatus cpu = BackendRegistry.defaultRegistry().status(BackendRegistry.CPU_ID);
        assertTrue(cpu != null && cpu.usable(), "cpu: " + cpu);
        assertEquals(SpiVersion.CURRENT, cpu.spiVersion());
    }

    @Test
    void aProviderWithANewerSpiMajorIsRefusedNamingBothVersionsAndTheOthersStillWork() {
        BackendProvider future = new StubProvider("future", 50, new SpiVersion(SpiVersion.MAJOR + 1, 0), Availability.ok());
        BackendRegistry r = BackendRegistry.of(List.of(future, StubProvider.available("cpu", 0)));
        ProviderStatus s = r.status("future");
        assertFalse(s.usable());
        assertTrue(s.reason().contains("SPI " + (SpiVersion.MAJOR + 1) + ".0"), s.reason());
        assertTrue(s.reason().contains("SPI " + SpiVersion.CURRENT), s.reason());
        assertEquals(List.of("cpu"), r.usable().stream().map(BackendProvider::id).toList());
        KilnException e = assertThrows(KilnException.class, () -> r.require("future"));
        assertTrue(e.getMessage().contains((SpiVersion.MAJOR + 1) + ".0"), e.getMessage());
    }

    @Test
    void aNewerMinorVersionIsRefusedAndAnOlderOneAccepted() {
        BackendRegistry r = BackendRegistry.of(List.of(
                new StubProvider("newer", 1, new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR + 1), Availability.ok()),
                new StubProvider("same", 1, new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR), Availability.ok())));
        assertFalse(r.status("newer").usable());
        assertTrue(r.status("same").usable());
    }

    @Test
    void anUnavailableProviderIsListedWithItsReason() {
        BackendRegistry r = BackendRegistry.of(List.of(new StubProvider("gpu", 100, SpiVersion.CURRENT, Availability.unavailable("no CUDA driver")),
                StubProvider.available("cpu", 0)));
        assertEquals("no CUDA driver", r.status("gpu").reason());
        assertEquals("gpu  priority 100  unavailable: no CUDA driver", r.status("gpu").describe());
        assertEquals(List.of("cpu"), r.usable().stream().map(BackendProvider::id).toList());
        assertEquals(2, r.providers().size());
    }

    @Test
    void aProviderThatThrowsWhenAskedIsSkipped() {
        BackendProvider broken = new StubProvider("broken", 5, SpiVersion.CURRENT, Availability.ok()) {
            @Override
            public Availability availability() {
                throw new IllegalStateException("probe crashed");
            }
        };
        BackendRegistry r = BackendRegistry.of(List.of(broken, StubProvider.available("cpu", 0)));
        assertTrue(r.status("broken").reason().contains("probe crashed"), r.status("broken").reason());
        assertEquals(List.of("cpu"), r.usable().stream().map(BackendProvider::id).toList());
    }

    @Test
    void preferenceIsByPriorityWithTheCpuLast() {
        BackendRegistry r = BackendRegistry.of(List.of(StubProvider.available("cpu", 10), StubProvider.available("low", -5),
                StubProvider.available("high", 100)));
        assertEquals(List.of("high", "low", "cpu"), r.usable().stream().map(BackendProvider::id).toList());
    }

    @Test
    void aDuplicateIdKeepsOneProviderAndListsTheOther() {
        BackendRegistry r = BackendRegistry.of(List.of(StubProvider.available("x", 1), StubProvider.available("x", 7)));
        assertEquals(1, r.usable().size());
        assertEquals(7, r.usable().get(0).priority());
        assertTrue(r.providers().stream().anyMatch(s -> !s.usable() && s.reason().startsWith("duplicate backend id 'x'")), r.toString());
    }

    @Test
    void requireNamesTheKnownBackendsForAnUnknownId() {
        KilnException e = assertThrows(KilnException.class, () -> BackendRegistry.of(List.of(StubProvider.available("cpu", 0))).require("tpu"));
        assertEquals("unknown backend 'tpu'; known backends: cpu", e.getMessage());
    }

    @Test
    void serviceEntriesThatFailToLoadAreListedAndDoNotHideTheOthers(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services/" + BackendProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "dev.kiln.runtime.testing.ThrowingProvider\ndev.kiln.runtime.testing.DoesNotExist\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            BackendRegistry r = BackendRegistry.load(loader);
            assertTrue(r.status("cpu").usable(), r.toString());
            List<ProviderStatus> failed = r.providers().stream().filter(s -> s.id() == null).toList();
            assertEquals(2, failed.size(), r.toString());
            assertTrue(failed.stream().anyMatch(s -> s.reason().contains("ThrowingProvider") && s.reason().contains("native library missing")), r.toString());
            assertTrue(failed.stream().anyMatch(s -> s.reason().contains("DoesNotExist")), r.toString());
            assertNull(failed.get(0).provider());
        }
    }
}
