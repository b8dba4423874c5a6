package dev.kiln.backend.cpu;

import dev.kiln.api.spi.Allocator;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Host allocator that recycles arrays by storage kind and length, so a session running the same
 * shapes again allocates nothing in steady state. Thread-safe.
 *
 * <p>The pool is bounded in bytes (a quarter of the JVM's maximum heap by default), not in arrays per
 * size: a training step keeps dozens of activations of one size alive until the backward pass frees
 * them, and recycling all of them spares the collector the same number of large (humongous, in G1)
 * allocations every step. An array released while the pool is full is left to the collector, so a
 * session fed ever-new shapes holds at most the bound.
 */
public final class CpuAllocator implements Allocator {
    private final Map<Key, ArrayDeque<Object>> free = new HashMap<>();
    private final long maxPooledBytes;
    private long pooledBytes;

    /** A pool bounded by a quarter of the maximum heap. */
    public CpuAllocator() {
        this(Runtime.getRuntime().maxMemory() / 4);
    }

    /** A pool holding at most {@code maxPooledBytes} of released arrays. */
    public CpuAllocator(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
    }

    private record Key(DType.Storage kind, int length) {
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return take(dtype, shape, true);
    }

    /** Skips the clearing of a recycled array: a kernel filling a whole GEMM output would pay a pass for nothing. */
    @Override
    public Tensor allocateUninitialized(DType dtype, Shape shape) {
        return take(dtype, shape, false);
    }

    private Tensor take(DType dtype, Shape shape, boolean zeroed) {
        long slots = Math.multiplyExact(shape.elementCount(), (long) dtype.slotsPerElement());
        if (slots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(dtype + shape.toString() + " has too many elements for one host array");
        }
        int n = (int) slots;
        Object array = null;
        if (n > 0) {
            synchronized (this) {
                ArrayDeque<Object> q = free.get(new Key(dtype.storage(), n));
                if (q != null && !q.isEmpty()) {
                    array = q.pop();
                    pooledBytes -= bytes(dtype.storage(), n);
                }
            }
        }
        if (array == null) {
            array = Tensor.newArray(dtype.storage(), n);
        } else if (zeroed) {
            clear(array);
        }
        return Tensor.wrap(dtype, shape, array);
    }

    @Override
    public void release(Tensor tensor) {
        if (tensor == null || !tensor.isHost()) {
            return;
        }
        Object array = tensor.data();
        int n = java.lang.reflect.Array.getLength(array);
        if (n == 0) {
            return;
        }
        DType.Storage kind = tensor.dtype().storage();
        synchronized (this) {
            long size = bytes(kind, n);
            if (pooledBytes + size <= maxPooledBytes) {
                free.computeIfAbsent(new Key(kind, n), k -> new ArrayDeque<>()).push(array);
                pooledBytes += size;
            }
        }
    }

    @Override
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Drops every pooled array. */
    public synchronized void clearPool() {
        free.clear();
        pooledBytes = 0;
    }

    private static long bytes(DType.Storage kind, int n) {
        return switch (kind) {
            case FLOAT, INT -> 4L * n;
            case DOUBLE, LONG -> 8L * n;
            case SHORT -> 2L * n;
            case BYTE, BOOLEAN -> n;
            case STRING -> 8L * n;
        };
    }

    private static void clear(Object a) {
        if (a instanceof float[] x) Arrays.fill(x, 0f);
        else if (a instanceof double[] x) Arrays.fill(x, 0d);
        else if (a instanceof long[] x) Arrays.fill(x, 0L);
        else if (a instanceof int[] x) Arrays.fill(x, 0);
        else if (a instanceof short[] x) Arrays.fill(x, (short) 0);
        else if (a instanceof byte[] x) Arrays.fill(x, (byte) 0);
        else if (a instanceof boolean[] x) Arrays.fill(x, false);
        else if (a instanceof String[] x) Arrays.fill(x, "");
    }
}
