package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host pool: what it recycles, that recycled arrays come back cleared, and its byte bound. */
class CpuAllocatorTest {
    @Test
    void aReleasedArrayIsReusedClearedForTheSameSize() {
        CpuAllocator pool = new CpuAllocator(1 << 20);
        Tensor a = pool.allocate(DType.FLOAT, Shape.of(4, 8));
        a.floatData()[5] = 3f;
        pool.release(a);
        assertEquals(128, pool.pooledBytes());
        Tensor b = pool.allocate(DType.FLOAT, Shape.of(32));
        assertSame(a.floatData(), b.floatData(), "same storage kind and length");
        assertEquals(0f, b.floatData()[5]);
        assertEquals(0, pool.pooledBytes());
        assertNotSame(b.floatData(), pool.allocate(DType.FLOAT, Shape.of(33)).floatData());
    }

    @Test
    void uninitializedAllocationsReuseWithoutClearing() {
        CpuAllocator pool = new CpuAllocator(1 << 20);
        Tensor a = pool.allocateUninitialized(DType.FLOAT, Shape.of(16));
        a.floatData()[5] = 3f;
        pool.release(a);
        Tensor b = pool.allocateUninitialized(DType.FLOAT, Shape.of(4, 4));
        assertSame(a.floatData(), b.floatData());
        assertEquals(3f, b.floatData()[5], "left as it was: the caller overwrites it");
        pool.release(b);
        assertEquals(0f, pool.allocate(DType.FLOAT, Shape.of(16)).floatData()[5], "allocate still clears");
    }

    @Test
    void manyLiveArraysOfOneSizeAreAllRecycled() {
        // a training step frees dozens of same-sized activations at once; every one should come back
        CpuAllocator pool = new CpuAllocator(1 << 24);
        List<Tensor> live = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            live.add(pool.allocate(DType.FLOAT, Shape.of(1024)));
        }
        Set<Object> arrays = new HashSet<>();
        live.forEach(t -> arrays.add(t.floatData()));
        live.forEach(pool::release);
        assertEquals(100 * 4096L, pool.pooledBytes());
        for (int i = 0; i < 100; i++) {
            assertEquals(true, arrays.contains(pool.allocate(DType.FLOAT, Shape.of(1024)).floatData()), "allocation " + i);
        }
    }

    @Test
    void thePoolNeverHoldsMoreThanItsBound() {
        CpuAllocator pool = new CpuAllocator(10_000);
        for (int i = 0; i < 10; i++) {
            pool.release(pool.allocate(DType.FLOAT, Shape.of(1000 + i)));
            pool.release(Tensor.zeros(DType.DOUBLE, Shape.of(300 + i)));
        }
        assertEquals(true, pool.pooledBytes() <= 10_000, pool.pooledBytes() + " bytes pooled");
        assertEquals(4000 + 2400 + 2408, pool.pooledBytes(), "the first arrays that fit, the rest left to the collector");
    }
}
