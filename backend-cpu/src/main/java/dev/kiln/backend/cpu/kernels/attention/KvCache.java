package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/** The key/value cache of Attention: past and incoming entries joined along the sequence axis. Stateless. */
final class KvCache {
    private KvCache() {
    }

    /**
     * The head-major {@code [batch][heads][past + incoming][size]} array of {@code past} (may be null when
     * {@code pastLength} is 0) followed by the head-major {@code incoming} entries.
     */
    static double[] concat(Tensor past, double[] incoming, int batch, int heads, int pastLength, int length, int size) {
        if (past == null || pastLength == 0) {
            return incoming;
        }
        double[] p = TensorArrays.doubles(past);
        int total = pastLength + length;
        double[] out = new double[batch * heads * total * size];
        for (int bh = 0; bh < batch * heads; bh++) {
            System.arraycopy(p, bh * pastLength * size, out, bh * total * size, pastLength * size);
            System.arraycopy(incoming, bh * length * size, out, (bh * total + pastLength) * size, length * size);
        }
        return out;
    }

    /** The present cache as a 4D tensor of {@code dtype}. */
    static Tensor store(KernelContext ctx, double[] data, DType dtype, int batch, int heads, int total, int size) {
        Tensor t = ctx.allocate(dtype, Shape.of(batch, heads, total, size));
        TensorArrays.store(data, t);
        return t;
    }
}
