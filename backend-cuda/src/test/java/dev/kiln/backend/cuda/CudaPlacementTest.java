package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.spi.SpiVersion;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuBackendProvider;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.NodeAssignment;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Needs no GPU: all-MiniLM-L6-v2 partitioned with exactly the CUDA backend's claims, by a stand-in backend
 * that claims what {@link CudaBackend#claims} claims but runs the CPU kernels. The partition, the copies at
 * its boundaries and the results must hold (same outputs as the CPU alone), and the op types left to the
 * CPU are printed: that is the list a GPU run will fall back on.
 */
class CudaPlacementTest {
    private static final String STAND_IN = "cuda-claims";

    @ParameterizedTest(name = "optimize {0}")
    @ValueSource(booleans = {false, true})
    void miniLmPartitionedAsOnTheGpuRunsAndMatchesTheCpu(boolean optimize) {
        byte[] model = CudaTestModels.miniLm();
        Map<String, Tensor> feeds = CudaTestModels.miniLmFeeds(2, 16, 7);
        BackendRegistry registry = BackendRegistry.of(List.of(new CpuBackendProvider(), new StandInProvider()));
        SessionFactory factory = new SessionFactory(registry);
        Map<String, RuntimeValue> expected;
        try (Session cpu = factory.open(model, SessionOptions.builder().optimize(optimize).backends("cpu").build())) {
            expected = cpu.run(feeds);
        }
        try (Session split = factory.open(model, SessionOptions.builder().optimize(optimize).backends(STAND_IN, "cpu").build())) {
            Map<String, RuntimeValue> actual = split.run(feeds);
            for (var e : expected.entrySet()) {
                double err = CudaTestModels.maxRelativeError((Tensor) actual.get(e.getKey()), (Tensor) e.getValue());
                assertTrue(err <= 1e-6, "output '" + e.getKey() + "' differs by " + err);
            }
            Map<String, Integer> onCpu = new TreeMap<>();
            int claimed = 0;
            for (NodeAssignment a : split.assignment()) {
                if (a.backendId().equals(STAND_IN)) {
                    claimed++;
                } else {
                    onCpu.merge((a.domain().isEmpty() ? "" : a.domain() + "::") + a.opType(), 1, Integer::sum);
                }
            }
            System.out.printf("MiniLM (optimize %s): %d of %d nodes on cuda; left to the CPU: %s; %s%n", optimize, claimed,
                    split.assignment().size(), onCpu, split.backendSummary());
            assertTrue(claimed * 2 > split.assignment().size(), "the CUDA claims should cover most of MiniLM");
            for (String heavy : List.of("MatMul", "dev.kiln::FusedMatMul", "Softmax", "dev.kiln::LayerNormalization", "Erf", "Constant")) {
                assertTrue(!onCpu.containsKey(heavy), heavy + " must run on the GPU, but the CPU got " + onCpu.get(heavy));
            }
        }
    }

    /** Claims what the CUDA backend claims; runs the CPU kernels in host memory. */
    private static final class StandInProvider implements BackendProvider {
        @Override
        public String id() {
            return STAND_IN;
        }

        @Override
        public SpiVersion spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Backend create(BackendContext context) {
            Backend cpu = new CpuBackendProvider().create(context);
            return new Backend() {
                @Override
                public String id() {
                    return STAND_IN;
                }

                @Override
                public boolean supports(NodeQuery query) {
                    return CudaBackend.claims(CudaKernelRegistry.defaultRegistry(), query);
                }

                @Override
                public Kernel compile(KernelRequest request) {
                    return cpu.compile(request);
                }

                @Override
                public Allocator allocator() {
                    return cpu.allocator();
                }

                @Override
                public Tensor toHost(Tensor tensor) {
                    return tensor;
                }

                @Override
                public Tensor fromHost(Tensor tensor) {
                    return tensor;
                }

                @Override
                public void close() {
                    cpu.close();
                }
            };
        }
    }
}
