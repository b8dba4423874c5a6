package dev.kiln.runtime.testing;

import dev.kiln.api.UnsupportedOpException;
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
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A test-only host backend with id {@code cpu} and a few float ops, whose allocator records what it hands
 * out and what comes back. Released arrays are filled with NaN, so reading one after release shows in
 * the results. Ops: Add, Mul, Relu, Neg, Identity (returns its input: an alias), View (a reshape view
 * sharing the input's array), Double (2x into a fresh array, plus an unused temporary) and Less (float
 * inputs of equal shape to bool) and Append (a sequence with a tensor added at its end).
 */
public final class TinyHostProvider implements BackendProvider {
    private final Set<Object> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> releasedArrays = Collections.newSetFromMap(new IdentityHashMap<>());
    private int allocations;
    private int releases;

    @Override
    public String id() {
        return "cpu";
    }

    @Override
    public SpiVersion spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Backend create(BackendContext context) {
        return new TinyBackend();
    }

    public synchronized int allocations() {
        return allocations;
    }

    public synchronized int releases() {
        return releases;
    }

    /** True when this array was given back to the allocator. */
    public synchronized boolean wasReleased(Object array) {
        return releasedArrays.contains(array);
    }

    private final class TinyBackend implements Backend {
        private final Allocator allocator = new Allocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                Tensor t = Tensor.zeros(dtype, shape);
                synchronized (TinyHostProvider.this) {
                    allocations++;
                    handedOut.add(t.data());
                }
                return t;
            }

            @Override
            public void release(Tensor tensor) {
                synchronized (TinyHostProvider.this) {
                    if (!handedOut.remove(tensor.data())) {
                        throw new IllegalStateException("released an array this allocator did not hand out (or twice): " + tensor.describe());
                    }
                    releases++;
                    releasedArrays.add(tensor.data());
                }
                if (tensor.data() instanceof float[] f) {
                    Arrays.fill(f, Float.NaN);
                }
            }

            @Override
            public long pooledBytes() {
                return 0;
            }
        };

        @Override
        public String id() {
            return "cpu";
        }

        @Override
        public boolean supports(NodeQuery query) {
            return Set.of("Add", "Mul", "Relu", "Neg", "Identity", "View", "Double", "Less", "Append").contains(query.node().opType());
        }

        @Override
        public Kernel compile(KernelRequest request) {
            return switch (request.node().opType()) {
                case "Add" -> binary(Float::sum);
                case "Mul" -> binary((a, b) -> a * b);
                case "Relu" -> unary(a -> Math.max(0f, a));
                case "Neg" -> unary(a -> -a);
                case "Identity" -> ctx -> ctx.setOutput(0, ctx.input(0));
                case "View" -> ctx -> ctx.setOutput(0, ctx.tensor(0).reshape(Shape.of(ctx.tensor(0).elementCount())));
                case "Less" -> ctx -> {
                    Tensor a = ctx.tensor(0);
                    Tensor b = ctx.tensor(1);
                    Tensor y = ctx.allocate(DType.BOOL, a.shape());
                    for (int i = 0; i < a.size(); i++) {
                        y.booleanData()[i] = a.floatData()[i] < b.floatData()[i];
                    }
                    ctx.setOutput(0, y);
                };
                case "Append" -> ctx -> {
                    TensorSequence seq = (TensorSequence) ctx.input(0);
                    List<Tensor> items = new ArrayList<>(seq.tensors());
                    items.add(ctx.tensor(1));
                    ctx.setOutput(0, new TensorSequence(seq.elementType(), items));
                };
                case "Double" -> ctx -> {
                    ctx.allocate(DType.FLOAT, Shape.of(3));
                    unary(a -> 2 * a).execute(ctx);
                };
                default -> throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(), "tiny backend");
            };
        }

        private Kernel unary(FloatOp1 op) {
            return ctx -> {
                Tensor x = ctx.tensor(0);
                Tensor y = ctx.allocate(DType.FLOAT, x.shape());
                float[] a = x.floatData();
                float[] out = y.floatData();
                for (int i = 0; i < a.length; i++) {
                    out[i] = op.apply(a[i]);
                }
                ctx.setOutput(0, y);
            };
        }

        private Kernel binary(FloatOp2 op) {
            return ctx -> {
                Tensor x = ctx.tensor(0);
                Tensor z = ctx.tensor(1);
                if (!x.shape().equals(z.shape())) {
                    throw new IllegalArgumentException("tiny Add/Mul needs equal shapes, got " + x.describe() + " and " + z.describe());
                }
                Tensor y = ctx.allocate(DType.FLOAT, x.shape());
                float[] a = x.floatData();
                float[] b = z.floatData();
                float[] out = y.floatData();
                for (int i = 0; i < a.length; i++) {
                    out[i] = op.apply(a[i], b[i]);
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
    }

    private interface FloatOp1 {
        float apply(float a);
    }

    private interface FloatOp2 {
        float apply(float a, float b);
    }
}
