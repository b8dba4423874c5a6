package dev.kiln.backend.cpu.kernels.ml;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/** Binarizer: 1 where {@code x > threshold}, else 0, in the input's type (float, double, int64, int32). Immutable. */
public final class BinarizerKernel implements Kernel {
    private final double threshold;

    public BinarizerKernel(KernelRequest request) {
        this.threshold = request.node().getFloat("threshold", 0f);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType t = x.dtype();
        if (t != DType.FLOAT && t != DType.DOUBLE && t != DType.INT64 && t != DType.INT32) {
            throw new InvalidInputException("input 'X': expected a float, double, int64 or int32 tensor, got " + x.describe());
        }
        int n = x.size();
        double[] v = new double[n];
        ElementCodec.toDouble(x, 0, v, 0, n);
        Tensor y = ctx.allocate(t, x.shape());
        if (t.isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                v[i] = v[i] > threshold ? 1 : 0;
            }
            ElementCodec.fromDouble(v, 0, y, 0, n);
        } else {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = v[i] > threshold ? 1 : 0;
            }
            ElementCodec.fromLong(out, 0, y, 0, n);
        }
        ctx.setOutput(0, y);
    }
}
