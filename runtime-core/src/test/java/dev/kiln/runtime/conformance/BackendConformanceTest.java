package dev.kiln.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.testing.PlantedBugProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendConformanceTest {
    @Test
    void theCpuBackendPassesEveryOpOfTheKit() {
        ConformanceReport r = BackendConformance.builder().registry(BackendRegistry.defaultRegistry()).candidate("cpu").build().run();
        System.out.print(r.format());
        assertEquals(List.of(), r.with(OpReport.Status.UNSUPPORTED), "the CPU backend claims every op of the catalog");
        ConformanceAssertions.assertConforms(r);
        assertEquals(KitCatalog.ops().size(), r.with(OpReport.Status.PASSED).size());
        assertTrue(r.cases() > 800, r.summary());
    }

    @Test
    void aPlantedWrongKernelFailsNamingTheOpAndTheCase() {
        BackendRegistry registry = BackendRegistry.builder().discover(null).add(new PlantedBugProvider()).build();
        ConformanceReport r = BackendConformance.builder().registry(registry).candidate(PlantedBugProvider.ID).build().run();
        System.out.print(r.format());
        OpReport relu = r.ops().stream().filter(o -> o.opType().equals("Relu")).findFirst().orElseThrow();
        assertEquals(OpReport.Status.FAILED, relu.status());
        assertEquals("Relu float32 [67,131]", relu.failedCase());
        assertTrue(relu.detail().startsWith("output 'y' element "), relu.detail());
        OpReport neg = r.ops().stream().filter(o -> o.opType().equals("Neg")).findFirst().orElseThrow();
        assertEquals(OpReport.Status.PASSED, neg.status(), neg.line());
        assertEquals(KitCatalog.ops().size() - 2, r.with(OpReport.Status.UNSUPPORTED).size());
        AssertionError e = assertThrows(AssertionError.class, () -> ConformanceAssertions.assertConforms(r));
        assertTrue(e.getMessage().contains("Relu") && e.getMessage().contains("case 'Relu float32 [67,131]'"), e.getMessage());
    }
}
