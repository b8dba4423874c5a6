package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * How an attention input holds its heads: 4D {@code (batch, heads, length, size)} or 3D packed
 * {@code (batch, length, heads * size)}. Converts to and from the head-major double layout
 * {@code [batch][heads][length][size]} the attention kernels compute in. Immutable.
 *
 * @param packed true for the 3D layout
 */
record HeadLayout(boolean packed, int batch, int heads, int length, int size) {

    /** The layout of {@code t}; {@code packedHeads} is the head count attribute for 3D inputs (0 when absent). */
    static HeadLayout of(String name, Tensor t, int packedHeads) {
        long[] d = t.dims();
        if (t.rank() == 4) {
            return new HeadLayout(false, (int) d[0], (int) d[1], (int) d[2], (int) d[3]);
        }
        if (t.rank() != 3 || packedHeads <= 0 || d[2] % packedHeads != 0) {
            throw new InvalidInputException("input '" + name + "': expected 4D (batch, heads, length, size) or 3D (batch, length, "
                    + "heads*size) with a positive head-count attribute dividing the last axis, got " + t.describe()
                    + " with " + packedHeads + " heads");
        }
        return new HeadLayout(true, (int) d[0], packedHeads, (int) d[1], (int) (d[2] / packedHeads));
    }

    /** The tensor's elements as a fresh head-major double array. */
    double[] heads(Tensor t) {
        double[] src = TensorArrays.doubles(t);
        if (!packed) {
            return src == t.data() ? src.clone() : src;
        }
        return transposeMiddle(src, false);
    }

    /**
     * A tensor of {@code dtype} in this layout's rank holding the head-major {@code data} of {@code heads}
     * heads of {@code size} each (the output of attention has the query's layout and the value's head size).
     */
    Tensor store(KernelContext ctx, double[] data, int outHeads, int outSize, DType dtype) {
        HeadLayout out = new HeadLayout(packed, batch, outHeads, length, outSize);
        Shape shape = packed ? Shape.of(batch, length, (long) outHeads * outSize) : Shape.of(batch, outHeads, length, outSize);
        Tensor t = ctx.allocate(dtype, shape);
        TensorArrays.store(packed ? out.transposeMiddle(data, true) : data, t);
        return t;
    }

    /** Swaps the heads and length axes: packed to head-major, or back when {@code toPacked}. */
    private double[] transposeMiddle(double[] src, boolean toPacked) {
        double[] dst = new double[src.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int l = 0; l < length; l++) {
                    int headMajor = ((b * heads + h) * length + l) * size;
                    int packedAt = ((b * length + l) * heads + h) * size;
                    if (toPacked) {
                        System.arraycopy(src, headMajor, dst, packedAt, size);
                    } else {
                        System.arraycopy(src, packedAt, dst, headMajor, size);
                    }
                }
            }
        }
        return dst;
    }
}
