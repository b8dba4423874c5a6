package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * MatMulInteger: int8/uint8 operands minus their zero points (per tensor, per row of A, per column of B),
 * multiplied with int32 accumulation that wraps on overflow. Rows are split over the CPU threads.
 */
final class MatMulIntegerKernel implements Kernel {
    private final CpuExecution execution;

    MatMulIntegerKernel(CpuExecution execution) {
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        requireByte(ctx, a, "A");
        requireByte(ctx, b, "B");
        MatMulShape s = MatMulShape.of("MatMulInteger", a.dims(), b.dims());
        int[] aZero = zeroPoints(ctx, 2, a, "a_zero_point", s.m, s.m * s.k);
        int[] bZero = zeroPoints(ctx, 3, b, "b_zero_point", s.n, s.k * s.n);
        int[] av = widen(a);
        int[] bv = widen(b);
        Tensor y = ctx.allocate(DType.INT32, s.output);
        int[] yv = y.intData();
        execution.parallelFor(s.batch() * s.m, (long) s.n * s.k, (start, end) -> {
            int[] bRowZero = new int[s.n];
            for (int r = start; r < end; r++) {
                int bi = r / s.m;
                int row = r % s.m;
                int aBase = s.aOffsets[bi];
                int bBase = s.bOffsets[bi];
                int za = aZero[aZero.length == 1 ? 0 : (aBase / Math.max(1, s.m * s.k) * s.m + row) % aZero.length];
                for (int j = 0; j < s.n; j++) {
                    bRowZero[j] = bZero[bZero.length == 1 ? 0 : (bBase / Math.max(1, s.k * s.n) * s.n + j) % bZero.length];
                }
                int aRow = aBase + row * s.k;
                int yRow = r * s.n;
                for (int p = 0; p < s.k; p++) {
                    int x = av[aRow + p] - za;
                    int bRow = bBase + p * s.n;
                    for (int j = 0; j < s.n; j++) {
                        yv[yRow + j] += x * (bv[bRow + j] - bRowZero[j]);
                    }
                }
            }
        });
        ctx.setOutput(0, y);
    }

    private static void requireByte(KernelContext ctx, Tensor t, String name) {
        if (t.dtype() != DType.INT8 && t.dtype() != DType.UINT8) {
            throw new UnsupportedOpException("MatMulInteger", "", ctx.opsetVersion(),
                    "input " + name + " has element type " + t.dtype() + "; expected int8 or uint8");
        }
    }

    /**
     * Zero points as ints: one for the whole tensor, one per row of A / column of B ({@code perMatrix}
     * values), or one per row/column of every batch matrix.
     */
    private static int[] zeroPoints(KernelContext ctx, int index, Tensor operand, String name, int perMatrix, int matrixSize) {
        if (!ctx.hasInput(index)) {
            return new int[1];
        }
        Tensor z = ctx.tensor(index);
        if (z.dtype() != operand.dtype()) {
            throw new InvalidInputException("MatMulInteger: input '" + name + "' must have the element type of its operand ("
                    + operand.dtype() + "), got " + z.describe());
        }
        long batchMatrices = matrixSize == 0 ? 1 : Math.max(1, operand.elementCount() / matrixSize);
        if (z.size() != 1 && z.size() != perMatrix && z.size() != batchMatrices * perMatrix) {
            throw new InvalidInputException("MatMulInteger: input '" + name + "' must hold 1, " + perMatrix + " or "
                    + batchMatrices * perMatrix + " values, got " + z.describe());
        }
        return widen(z);
    }

    private static int[] widen(Tensor t) {
        byte[] v = t.byteData();
        int[] out = new int[v.length];
        boolean unsigned = t.dtype() == DType.UINT8;
        for (int i = 0; i < v.length; i++) {
            out[i] = unsigned ? v[i] & 0xFF : v[i];
        }
        return out;
    }
}
