package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.SpiVersion;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaBackendProviderTest {
    @Test
    void isDiscoveredThroughServiceLoader() {
        boolean found = ServiceLoader.load(BackendProvider.class).stream()
                .anyMatch(p -> p.type() == CudaBackendProvider.class);
        assertTrue(found, "META-INF/services must list CudaBackendProvider");
    }

    @Test
    void statesTheCurrentSpiVersion() {
        assertEquals(SpiVersion.CURRENT, new CudaBackendProvider().spiVersion());
    }

    @Test
    void withoutAGpuItIsUnavailableWithAReasonAndRefusesToCreate() {
        CudaBackendProvider p = new CudaBackendProvider();
        Availability a = p.availability();
        Assumptions.assumeFalse(a.isAvailable(), "a GPU is present: the unavailable path cannot be checked here");
        assertFalse(a.reason().isBlank(), "an unavailable backend must say why");
        KilnException e = assertThrows(KilnException.class, () -> p.create(BackendContext.defaults()));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
    }
}
