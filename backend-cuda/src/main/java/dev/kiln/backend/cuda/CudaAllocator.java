package dev.kiln.backend.cuda;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.DeviceMemory;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Device memory for one GPU, pooled by byte size so steady-state runs do not call cudaMalloc. Zeroing and
 * copies are queued on the device's stream, so a block released by one node and handed to the next is
 * reused in stream order. Small integer tensors (at most {@link #HOST_INT_LIMIT} elements: shapes, axes,
 * starts) stay on the host when copied in, since kernels read them as parameters; kernels upload one on
 * the rare occasions they need it as data ({@link CudaDevice#in}).
 * Thread-safe. Closing frees every block, pooled or handed out.
 */
public final class CudaAllocator implements Allocator, AutoCloseable {
    /** Integer tensors up to this many elements stay on the host in {@link #fromHost}. */
    static final int HOST_INT_LIMIT = 64;

    private final CudaDevice owner;
    private final int device;
    private final Map<Long, ArrayDeque<Pointer>> free = new HashMap<>();
    private final Set<Block> live = ConcurrentHashMap.newKeySet();
    private long pooledBytes;
    private volatile boolean closed;

    CudaAllocator(CudaDevice owner) {
        this.owner = owner;
        this.device = owner.ordinal();
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        if (dtype == DType.STRING) {
            throw new IllegalArgumentException("string tensors cannot live on a CUDA device");
        }
        long bytes = Math.max(1, Math.multiplyExact(shape.elementCount(), (long) dtype.byteSize()));
        Pointer p = take(bytes);
        owner.enter();
        CudaLaunch.checkRuntime(cudart.cudaMemsetAsync(p, 0, bytes, owner.stream()), "cudaMemsetAsync");
        Block b = new Block(p, bytes);
        live.add(b);
        return Tensor.onDevice(dtype, shape, b);
    }

    @Override
    public void release(Tensor tensor) {
        if (tensor != null && tensor.deviceMemory() instanceof Block b) {
            b.release();
        }
    }

    @Override
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Copies a host tensor to a new device tensor; small integer tensors stay on the host (see the class doc). */
    Tensor fromHost(Tensor host) {
        if (!host.isHost()) {
            return host;
        }
        if (!host.dtype().isFloatingPoint() && host.dtype() != DType.BOOL && host.elementCount() <= HOST_INT_LIMIT) {
            return host;
        }
        Tensor dev = allocate(host.dtype(), host.shape());
        upload(host, dev);
        return dev;
    }

    /** Copies a host tensor's elements into a device tensor of the same type and size. */
    void upload(Tensor host, Tensor dev) {
        Block b = block(dev);
        ByteBuffer bytes = hostBytes(host);
        if (bytes.remaining() > 0) {
            owner.enter();
            try (BytePointer src = new BytePointer(bytes)) {
                // pageable source: the call returns once the bytes are staged, so the buffer may go right after
                CudaLaunch.checkRuntime(cudart.cudaMemcpyAsync(b.pointer, src, bytes.remaining(), cudart.cudaMemcpyHostToDevice, owner.stream()),
                        "cudaMemcpyAsync to device");
            }
        }
    }

    /** Copies a device tensor to a new host tensor, after everything queued before it. */
    Tensor toHost(Tensor t) {
        if (t.isHost()) {
            return t;
        }
        Block b = block(t);
        int n = Math.toIntExact(t.elementCount() * t.dtype().byteSize());
        ByteBuffer out = ByteBuffer.allocateDirect(Math.max(1, n)).order(ByteOrder.LITTLE_ENDIAN);
        if (n > 0) {
            owner.enter();
            try (BytePointer dst = new BytePointer(out)) {
                CudaLaunch.checkRuntime(cudart.cudaMemcpyAsync(dst, b.pointer, n, cudart.cudaMemcpyDeviceToHost, owner.stream()), "cudaMemcpyAsync to host");
                CudaLaunch.checkRuntime(cudart.cudaStreamSynchronize(owner.stream()), "cudaStreamSynchronize (an earlier kernel may have failed)");
            }
        }
        out.limit(n);
        return Tensor.fromBytes(t.dtype(), t.shape(), out);
    }

    /** The device address of a tensor this allocator made. */
    DevicePointer address(Tensor t) {
        return new DevicePointer(block(t).pointer.address());
    }

    private static Block block(Tensor t) {
        if (t.isHost() || !(t.deviceMemory() instanceof Block b)) {
            throw new IllegalArgumentException("expected a tensor in cuda memory, got " + (t.isHost() ? "a host tensor " : "memory of "
                    + t.deviceMemory().device() + " ") + t.describe());
        }
        return b;
    }

    private Pointer take(long bytes) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the cuda backend is closed");
            }
            ArrayDeque<Pointer> q = free.get(bytes);
            if (q != null && !q.isEmpty()) {
                pooledBytes -= bytes;
                return q.pop();
            }
        }
        CudaLaunch.checkRuntime(cudart.cudaSetDevice(device), "cudaSetDevice");
        Pointer p = new Pointer();
        CudaLaunch.checkRuntime(cudart.cudaMalloc(p, bytes), "cudaMalloc of " + bytes + " bytes");
        return p;
    }

    private synchronized void giveBack(Pointer p, long bytes) {
        if (closed) {
            cudart.cudaFree(p);
            return;
        }
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(p);
        pooledBytes += bytes;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        free.values().forEach(q -> q.forEach(cudart::cudaFree));
        free.clear();
        live.forEach(b -> cudart.cudaFree(b.pointer));
        live.clear();
        pooledBytes = 0;
    }

    private static ByteBuffer hostBytes(Tensor t) {
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, n * t.dtype().byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype().storage()) {
            case FLOAT -> b.asFloatBuffer().put(t.floatData());
            case DOUBLE -> b.asDoubleBuffer().put(t.doubleData());
            case LONG -> b.asLongBuffer().put(t.longData());
            case INT -> b.asIntBuffer().put(t.intData());
            case SHORT -> b.asShortBuffer().put(t.shortData());
            case BYTE -> b.put(t.byteData());
            case BOOLEAN -> {
                for (boolean v : t.booleanData()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            default -> throw new IllegalArgumentException(t.dtype() + " cannot be copied to a CUDA device");
        }
        b.position(0).limit(n * t.dtype().byteSize());
        return b;
    }

    /** One device block; released back to the pool once. */
    private final class Block implements DeviceMemory {
        private final Pointer pointer;
        private final long bytes;
        private boolean released;

        Block(Pointer pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }

        @Override
        public String device() {
            return CudaBackendProvider.ID + ":" + device;
        }

        @Override
        public long byteSize() {
            return bytes;
        }

        @Override
        public synchronized void release() {
            if (!released) {
                released = true;
                live.remove(this);
                giveBack(pointer, bytes);
            }
        }
    }
}
