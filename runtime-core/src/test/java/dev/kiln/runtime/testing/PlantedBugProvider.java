package dev.kiln.runtime.testing;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.spi.SpiVersion;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * A test-only host backend, id {@code planted}, claiming float32 Neg and Relu. It is {@link TinyHostProvider}'s
 * backend under another id, except that Relu has a planted bug on its "large tensor" path: above 1000 elements
 * it lets negative values through. The conformance kit must catch it and name the op and the case.
 */
public final class PlantedBugProvider extends StubProvider {
    public static final String ID = "planted";

    public PlantedBugProvider() {
        super(ID, 10, SpiVersion.CURRENT, Availability.ok());
    }

    @Override
    public Backend create(BackendContext context) {
        Backend host = new TinyHostProvider().create(context);
        return new Backend() {
            @Override
            public String id() {
                return ID;
            }

            @Override
            public boolean supports(NodeQuery q) {
                boolean op = q.node().domain().isEmpty() && (q.node().opType().equals("Neg") || q.node().opType().equals("Relu"));
                return op && q.inputTypes() != null && q.inputTypes().stream().allMatch(t -> t instanceof ValueType.TensorType tt && tt.elementType() == DType.FLOAT);
            }

            @Override
            public Kernel compile(KernelRequest request) {
                if (!request.node().opType().equals("Relu")) {
                    return host.compile(request);
                }
                return ctx -> {
                    float[] x = ctx.tensor(0).floatData();
                    Tensor y = ctx.allocate(DType.FLOAT, ctx.tensor(0).shape());
                    float[] out = y.floatData();
                    for (int i = 0; i < x.length; i++) {
                        out[i] = x.length > 1000 ? x[i] : Math.max(0f, x[i]);
                    }
                    ctx.setOutput(0, y);
                };
            }

            @Override
            public Allocator allocator() {
                return host.allocator();
            }

            @Override
            public Tensor toHost(Tensor tensor) {
                return host.toHost(tensor);
            }

            @Override
            public Tensor fromHost(Tensor tensor) {
                return host.fromHost(tensor);
            }

            @Override
            public void close() {
                host.close();
            }
        };
    }
}
