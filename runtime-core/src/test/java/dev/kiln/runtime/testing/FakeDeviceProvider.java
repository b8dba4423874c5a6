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
import dev.kiln.api.tensor.DeviceMemory;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only "device" backend, id {@code fake}, priority 100, that claims only Relu. Its tensors live in
 * {@link Memory} objects (no host array), so the runtime must copy values in and out; it counts those
 * copies and fails a kernel that reads released memory.
 */
public final class FakeDeviceProvider implements BackendProvider {
    public static final String ID = "fake";

    public final AtomicInteger fromHost = new AtomicInteger();
    public final AtomicInteger toHost = new AtomicInteger();
    public final AtomicInteger released = new AtomicInteger();
    public final AtomicInteger created = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    private final Set<String> ops;

    public FakeDeviceProvider() {
        this(Set.of("Relu"));
    }

    public FakeDeviceProvider(Set<String> ops) {
        this.ops = Set.copyOf(ops);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SpiVersion spiVersion() {
        return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
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
        created.incrementAndGet();
        return new FakeBackend();
    }

    /** Device memory backed by a host array the runtime cannot see. */
    public static final class Memory implements DeviceMemory {
        final float[] data;
        volatile boolean released;

        Memory(float[] data) {
            this.data = data;
        }

        @Override
        public String device() {
            return ID;
        }

        @Override
        public long byteSize() {
            return 4L * data.length;
        }

        @Override
        public void release() {
            released = true;
        }
    }

    private final class FakeBackend implements Backend {
        private final Allocator allocator = new Allocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                return Tensor.onDevice(dtype, shape, new Memory(new float[(int) shape.elementCount()]));
            }

            @Override
            public void release(Tensor tensor) {
                if (tensor.deviceMemory() instanceof Memory m) {
                    if (m.released) {
                        throw new IllegalStateException("fake memory released twice");
                    }
                    m.release();
                    released.incrementAndGet();
                }
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
        public boolean supports(NodeQuery query) {
            return query.node().domain().isEmpty() && ops.contains(query.node().opType());
        }

        @Override
        public Kernel compile(KernelRequest request) {
            if (!request.node().opType().equals("Relu")) {
                throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(), "fake backend runs Relu only");
            }
            return ctx -> {
                Tensor x = ctx.tensor(0);
                Memory in = memory(x);
                Tensor y = ctx.allocate(x.dtype(), x.shape());
                Memory out = memory(y);
                for (int i = 0; i < in.data.length; i++) {
                    out.data[i] = Math.max(0f, in.data[i]);
                }
                ctx.setOutput(0, y);
            };
        }

        private Memory memory(Tensor t) {
            if (!(t.deviceMemory() instanceof Memory m)) {
                throw new IllegalStateException("fake kernel got " + t.describe() + (t.isHost() ? " on the host" : " on " + t.deviceMemory().device()));
            }
            if (m.released) {
                throw new IllegalStateException("fake kernel read released memory");
            }
            return m;
        }

        @Override
        public Allocator allocator() {
            return allocator;
        }

        @Override
        public Tensor toHost(Tensor tensor) {
            if (tensor.isHost()) {
                return tensor;
            }
            toHost.incrementAndGet();
            return Tensor.wrap(DType.FLOAT, tensor.shape(), memory(tensor).data.clone());
        }

        @Override
        public Tensor fromHost(Tensor tensor) {
            if (!tensor.isHost()) {
                return tensor;
            }
            fromHost.incrementAndGet();
            return Tensor.onDevice(tensor.dtype(), tensor.shape(), new Memory(tensor.toFloatArray()));
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }
}
