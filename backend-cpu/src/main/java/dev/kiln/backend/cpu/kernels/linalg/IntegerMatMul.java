package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * Integer matrix products for MatMul and Gemm with two's-complement wrap-around, which gives the same
 * bits for signed and unsigned operands of one width. Rows are split over the CPU threads.
 */
final class IntegerMatMul {
    private IntegerMatMul() {
    }

    /** {@code y = A x B} for 32- or 64-bit integer tensors of one type, using the batch geometry {@code s}. */
    static void multiply(MatMulShape s, Tensor a, Tensor b, Tensor y, CpuExecution execution) {
        int rows = s.batch() * s.m;
        long cost = (long) s.n * s.k;
        if (a.dtype().storage() == DType.Storage.INT) {
            int[] av = a.intData();
            int[] bv = b.intData();
            int[] yv = y.intData();
            execution.parallelFor(rows, cost, (start, end) -> {
                for (int r = start; r < end; r++) {
                    int bi = r / s.m;
                    int aRow = s.aOffsets[bi] + (r % s.m) * s.k;
                    int bBase = s.bOffsets[bi];
                    int yRow = r * s.n;
                    for (int p = 0; p < s.k; p++) {
                        int x = av[aRow + p];
                        int bRow = bBase + p * s.n;
                        for (int j = 0; j < s.n; j++) {
                            yv[yRow + j] += x * bv[bRow + j];
                        }
                    }
                }
            });
        } else {
            long[] av = a.longData();
            long[] bv = b.longData();
            long[] yv = y.longData();
            execution.parallelFor(rows, cost, (start, end) -> {
                for (int r = start; r < end; r++) {
                    int bi = r / s.m;
                    int aRow = s.aOffsets[bi] + (r % s.m) * s.k;
                    int bBase = s.bOffsets[bi];
                    int yRow = r * s.n;
                    for (int p = 0; p < s.k; p++) {
                        long x = av[aRow + p];
                        int bRow = bBase + p * s.n;
                        for (int j = 0; j < s.n; j++) {
                            yv[yRow + j] += x * bv[bRow + j];
                        }
                    }
                }
            });
        }
    }
}
