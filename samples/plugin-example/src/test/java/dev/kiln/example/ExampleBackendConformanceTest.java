package dev.kiln.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.conformance.BackendConformance;
import dev.kiln.runtime.conformance.ConformanceAssertions;
import dev.kiln.runtime.conformance.ConformanceReport;
import dev.kiln.runtime.conformance.OpReport;
import dev.kiln.runtime.inject.KilnModule;
import dev.kiln.runtime.session.SessionFactory;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What a vendor's own test looks like: the kit against the CPU backend, as a JUnit assertion. */
class ExampleBackendConformanceTest {
    private static final List<String> CLAIMED = List.of("Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Relu", "Sigmoid", "Tanh",
            "Softplus", "LeakyRelu", "Elu", "HardSigmoid", "Add", "Sub", "Mul", "Div", "Pow", "MatMul");

    @Test
    void everyClaimedOpPassesTheKitAndTheRestAreUnsupported() {
        ConformanceReport r = BackendConformance.builder().registry(BackendRegistry.defaultRegistry()).candidate(ExampleBackendProvider.ID).build().run();
        System.out.print(r.format());
        ConformanceAssertions.assertConforms(r, CLAIMED.toArray(String[]::new));
        Set<String> passed = new TreeSet<>(r.with(OpReport.Status.PASSED).stream().map(OpReport::opType).toList());
        assertEquals(new TreeSet<>(CLAIMED), passed);
        assertEquals(r.ops().size() - CLAIMED.size(), r.with(OpReport.Status.UNSUPPORTED).size());
    }

    @Test
    void theGuiceModuleAddsTheBackend() {
        SessionFactory f = Guice.createInjector(new KilnModule(ClassLoader.getPlatformClassLoader()), new ExampleModule()).getInstance(SessionFactory.class);
        assertTrue(f.registry().status(ExampleBackendProvider.ID).usable(), f.registry().toString());
    }
}
