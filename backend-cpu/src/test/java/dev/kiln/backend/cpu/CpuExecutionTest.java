package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CpuExecutionTest {
    @Test
    void everyIndexRunsExactlyOnceWhateverTheSplit() {
        try (CpuExecution ex = new CpuExecution(3)) {
            for (int n : new int[] {1, 2, 7, 100, 10_000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                ex.parallelFor(n, CpuExecution.MIN_GRAIN, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                int[] counts = new int[n];
                int[] ones = new int[n];
                for (int i = 0; i < n; i++) {
                    counts[i] = seen.get(i);
                    ones[i] = 1;
                }
                assertArrayEquals(ones, counts, "n=" + n);
            }
        }
    }

    @Test
    void nestedSplitsFinish() {
        try (CpuExecution ex = new CpuExecution(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(64 * 64);
            ex.parallelFor(64, CpuExecution.MIN_GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) {
                    int row = i;
                    ex.parallelFor(64, CpuExecution.MIN_GRAIN, (s2, e2) -> {
                        for (int j = s2; j < e2; j++) {
                            seen.incrementAndGet(row * 64 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < 64 * 64; i++) {
                assertEquals(1, seen.get(i), "index " + i);
            }
        }
    }

    @Test
    void aFailingChunkFailsTheCallAndThePoolStaysUsable() {
        try (CpuExecution ex = new CpuExecution(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ex.parallelFor(16, CpuExecution.MIN_GRAIN, (s, end) -> {
                if (s <= 9 && 9 < end) {
                    throw new IllegalStateException("chunk with 9");
                }
            }));
            // the pool may rethrow a copy that wraps the original
            assertTrue(e.getMessage().contains("chunk with 9"), e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(16);
            ex.parallelFor(16, CpuExecution.MIN_GRAIN, (s, end) -> {
                for (int i = s; i < end; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 16; i++) {
                assertEquals(1, seen.get(i));
            }
        }
    }
}
