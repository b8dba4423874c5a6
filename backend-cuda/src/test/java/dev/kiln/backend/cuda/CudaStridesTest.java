package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/**
 * Needs no GPU: the index arithmetic the kernels receive. The packed layout must be common.cuh's
 * {@code struct Strides { i64 rank; i64 dims[8]; i64 s[3][8]; }}, and walking it as {@code kiln_offset}
 * does must visit the elements the op means.
 */
class CudaStridesTest {
    /** kiln_offset of common.cuh, in Java, over the packed struct. */
    private static long offset(long[] p, int k, long i) {
        long off = 0;
        for (int d = (int) p[0] - 1; d >= 0; d--) {
            long c = i % p[1 + d];
            i /= p[1 + d];
            off += c * p[1 + 8 * (k + 1) + d];
        }
        return off;
    }

    @Test
    void packsAsTheStructLaysOut() {
        long[] p = CudaStrides.of(new long[] {2, 3}, new long[] {3, 1}, new long[] {0, 1}).packed();
        assertEquals(33, p.length);
        assertEquals(2, p[0]);
        assertEquals(2, p[1]);
        assertEquals(3, p[2]);
        assertEquals(3, p[9]);
        assertEquals(1, p[10]);
        assertEquals(0, p[17]);
        assertEquals(1, p[18]);
    }

    @Test
    void broadcastsWithNumpyRules() {
        assertArrayEquals(new long[] {2, 3, 4}, CudaStrides.broadcastShape("Add", new long[] {2, 1, 4}, new long[] {3, 1}));
        assertArrayEquals(new long[] {0, 1, 0}, CudaStrides.broadcast(new long[] {3, 1}, new long[] {2, 3, 4}));
        assertArrayEquals(new long[] {4, 0, 1}, CudaStrides.broadcast(new long[] {2, 1, 4}, new long[] {2, 3, 4}));
        assertThrows(InvalidInputException.class, () -> CudaStrides.broadcastShape("Add", new long[] {2, 3}, new long[] {4}));
    }

    @Test
    void aPermutedWalkTransposes() {
        long[] in = {2, 3};
        long[] out = {3, 2};
        long[] own = CudaStrides.contiguous(in);
        long[] p = CudaStrides.of(out, new long[] {own[1], own[0]}, CudaStrides.contiguous(out)).packed();
        // y[i][j] = x[j][i]: output element (1, 0) reads x[0][1], which sits at 1
        assertEquals(1, offset(p, 0, 2));
        assertEquals(2, offset(p, 1, 2));
        assertEquals(5, offset(p, 0, 5));
    }

    @Test
    void refusesRanksAboveEight() {
        assertThrows(InvalidInputException.class, () -> CudaStrides.of(new long[9], new long[9]));
    }
}
