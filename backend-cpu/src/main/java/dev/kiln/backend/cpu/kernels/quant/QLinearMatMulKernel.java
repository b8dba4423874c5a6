package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.MatMulShape;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * QLinearMatMul (opsets 10-21): the exact integer product {@code (a - a_zp) x (b - b_zp)} with numpy
 * batch broadcasting, scaled by {@code a_scale * b_scale / y_scale} in float32, rounded half to even, offset by
 * {@code y_zp} and saturated to the 8-bit output type. a_scale may also hold one value per row of a and
 * b_scale one per column of b. Stateless and thread-safe.
 */
public final class QLinearMatMulKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor aScale = ctx.tensor(1);
        Tensor aZero = ctx.tensor(2);
        Tensor b = ctx.tensor(3);
        Tensor bScale = ctx.tensor(4);
        Tensor bZero = ctx.tensor(5);
        Tensor yScale = ctx.tensor(6);
        Tensor yZero = ctx.tensor(7);
        MatMulShape s = MatMulShape.of("QLinearMatMul", a.dims(), b.dims());
        checkScale(aScale, s.m, "a_scale");
        checkScale(aZero, s.m, "a_zero_point");
        checkScale(bScale, s.n, "b_scale");
        checkScale(bZero, s.n, "b_zero_point");
        checkScale(yScale, 1, "y_scale");
        DType to = yZero.dtype();
        long lo = QuantLayout.min(to);
        long hi = QuantLayout.max(to);
        float ys = yScale.getFloat(0);
        long yz = yZero.getLong(0);
        long[] av = a.toLongArray();
        long[] bv = b.toLongArray();
        long[] out = new long[s.batch() * s.m * s.n];
        for (int bi = 0; bi < s.batch(); bi++) {
            for (int i = 0; i < s.m; i++) {
                long az = aZero.getLong(aZero.size() == 1 ? 0 : i);
                float as = aScale.getFloat(aScale.size() == 1 ? 0 : i);
                for (int j = 0; j < s.n; j++) {
                    long bz = bZero.getLong(bZero.size() == 1 ? 0 : j);
                    long acc = 0;
                    for (int p = 0; p < s.k; p++) {
                        acc += (av[s.aOffset(bi) + i * s.k + p] - az) * (bv[s.bOffset(bi) + p * s.n + j] - bz);
                    }
                    // float32 arithmetic, as the reference runtimes requantize
                    float real = (float) acc * (as * bScale.getFloat(bScale.size() == 1 ? 0 : j) / ys);
                    double q = Math.rint(real) + yz;
                    out[(bi * s.m + i) * s.n + j] = (long) Math.max(lo, Math.min(hi, q));
                }
            }
        }
        Tensor y = ctx.allocate(to, s.output);
        ElementCodec.fromLong(out, 0, y, 0, out.length);
        ctx.setOutput(0, y);
    }

    private static void checkScale(Tensor t, int perIndex, String name) {
        if (t.size() != 1 && (t.rank() != 1 || t.size() != perIndex)) {
            throw new InvalidInputException("input '" + name + "': expected a scalar" + (perIndex > 1 ? " or shape [" + perIndex + "]" : "")
                    + ", got " + t.describe());
        }
    }
}
