package dev.kiln.runtime.testing;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.spi.SpiVersion;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * A test-only host backend, id {@code planted}, claiming float32 Neg and Relu. Neg is right; Relu has a
 * planted bug on its "large tensor" path: above 1000 elements it lets negative values through. The
 * conformance kit must catch it and name the op and the case.
 */
public final class PlantedBugProvider implements BackendProvider {
    public static final String ID = "planted";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SpiVersion spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Backend create(BackendContext context) {
        return new Backend() {
            private final Allocator allocator = new Allocator() {
                @Override
                public Tensor allocate(DType dtype, Shape shape) {
                    return Tensor.zeros(dtype, shape);
                }

                @Override
                public void release(Tensor tensor) {
                }

                @Override
                public long pooledBytes() {
                    return 0;
                }
            };

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
                boolean relu = request.node().opType().equals("Relu");
                if (!relu && !request.node().opType().equals("Neg")) {
                    throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(), "planted runs Neg and Relu");
                }
                return ctx -> {
                    float[] x = ctx.tensor(0).floatData();
                    Tensor y = ctx.allocate(DType.FLOAT, ctx.tensor(0).shape());
                    float[] out = y.floatData();
                    for (int i = 0; i < x.length; i++) {
                        out[i] = !relu ? -x[i] : x.length > 1000 ? x[i] : Math.max(0f, x[i]);
                    }
                    ctx.setOutput(0, y);
                };
            }

            @Override
            public Allocator allocator() {
                return allocator;
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
            }
        };
    }
}
