package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/** Range: start + i*delta for i below ceil((limit - start) / delta); integers exactly, floats in double then rounded. */
public final class RangeKernel implements Kernel {
    /** Elements written between cancellation checks (and the size of the working block). */
    private static final int BLOCK = 1 << 16;

    @Override
    public void execute(KernelContext ctx) {
        Tensor start = ctx.tensor(0);
        Tensor limit = ctx.tensor(1);
        Tensor delta = ctx.tensor(2);
        DType t = start.dtype();
        if (limit.dtype() != t || delta.dtype() != t || start.elementCount() != 1 || limit.elementCount() != 1
                || delta.elementCount() != 1) {
            throw new InvalidInputException("inputs 'start', 'limit', 'delta': expected three scalars of one type, got "
                    + start.describe() + ", " + limit.describe() + ", " + delta.describe());
        }
        Tensor y;
        if (NumericArrays.integral(t)) {
            long s = start.getLong(0);
            long d = delta.getLong(0);
            if (d == 0) {
                throw new InvalidInputException("input 'delta' must not be 0");
            }
            long span = limit.getLong(0) - s;
            long n = Math.max(0, span / d + (span % d != 0 && (span > 0) == (d > 0) ? 1 : 0));
            y = ctx.allocate(t, Shape.of(Args.size(n, "Range output length")));
            // in blocks straight into the output: no working array as long as the output
            long[] v = new long[(int) Math.min(n, BLOCK)];
            for (int from = 0; from < n; from += BLOCK) {
                int len = (int) Math.min(BLOCK, n - from);
                for (int j = 0; j < len; j++) {
                    v[j] = s + (from + j) * d;
                }
                ElementCodec.fromLong(v, 0, y, from, len);
                ctx.checkCancelled();
            }
        } else {
            double s = start.getDouble(0);
            double d = delta.getDouble(0);
            if (d == 0) {
                throw new InvalidInputException("input 'delta' must not be 0");
            }
            double span = t == DType.DOUBLE ? limit.getDouble(0) - s : (float) (limit.getDouble(0) - s);
            long n = (long) Math.max(0, Math.ceil(span / d));
            y = ctx.allocate(t, Shape.of(Args.size(n, "Range output length")));
            double[] v = new double[(int) Math.min(n, BLOCK)];
            for (int from = 0; from < n; from += BLOCK) {
                int len = (int) Math.min(BLOCK, n - from);
                for (int j = 0; j < len; j++) {
                    v[j] = s + (double) (from + j) * d;
                }
                ElementCodec.fromDouble(v, 0, y, from, len);
                ctx.checkCancelled();
            }
        }
        ctx.setOutput(0, y);
    }
}
