package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * Which scale and zero point each element of a (de)quantized tensor uses: one for the whole tensor
 * (a scale with one element), one per index of 'axis' (a 1-D scale), or one per block of 'block_size'
 * consecutive indices of 'axis' (a scale of the input's rank). Immutable.
 */
final class QuantLayout {
    private final int outer;
    private final int extent;
    private final int inner;
    /** Indices of 'axis' per scale; 0 for a 1-D per-axis scale. */
    private final int block;
    private final int scaleExtent;
    private final boolean perTensor;

    private QuantLayout(int outer, int extent, int inner, int block, int scaleExtent, boolean perTensor) {
        this.outer = outer;
        this.extent = extent;
        this.inner = inner;
        this.block = block;
        this.scaleExtent = scaleExtent;
        this.perTensor = perTensor;
    }

    /** The layout of {@code x} against {@code scale} for the node's 'axis' and 'block_size'; checks the shapes. */
    static QuantLayout of(Tensor x, Tensor scale, long axisAttr, long blockSize) {
        if (scale.size() == 1 && blockSize == 0 && scale.rank() <= 1) {
            return new QuantLayout(1, x.size(), 1, 0, 1, true);
        }
        int r = x.rank();
        int axis = (int) (axisAttr < 0 ? axisAttr + r : axisAttr);
        if (axis < 0 || axis >= r) {
            throw new InvalidInputException("attribute 'axis' " + axisAttr + " is out of range for input " + x.describe());
        }
        int[] d = x.shape().intDims();
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= d[i];
        }
        for (int i = axis + 1; i < r; i++) {
            inner *= d[i];
        }
        if (blockSize <= 0) {
            if (scale.rank() != 1 || scale.dim(0) != d[axis]) {
                throw new InvalidInputException("input 'scale': expected a scalar or shape [" + d[axis] + "] for axis " + axis + " of "
                        + x.describe() + ", got " + scale.describe());
            }
            return new QuantLayout(outer, d[axis], inner, 0, d[axis], false);
        }
        int blocks = (int) ((d[axis] + blockSize - 1) / blockSize);
        boolean shapeOk = scale.rank() == r;
        for (int i = 0; shapeOk && i < r; i++) {
            shapeOk = scale.dim(i) == (i == axis ? blocks : d[i]);
        }
        if (!shapeOk) {
            throw new InvalidInputException("input 'scale': expected " + x.shape() + " with dimension " + axis + " = ceil(" + d[axis]
                    + "/" + blockSize + ") = " + blocks + ", got " + scale.describe());
        }
        return new QuantLayout(outer, d[axis], inner, (int) blockSize, blocks, false);
    }

    /** The index into scale and zero point of element {@code e} of the input. */
    int scaleIndex(int e) {
        if (perTensor) {
            return 0;
        }
        int i = e % inner;
        int rest = e / inner;
        int a = rest % extent;
        if (block == 0) {
            return a;
        }
        int o = rest / extent;
        return (o * scaleExtent + a / block) * inner + i;
    }

    /** Checks that an optional zero point has the scale's shape. */
    static void checkZeroPoint(Tensor zeroPoint, Tensor scale) {
        if (zeroPoint != null && zeroPoint.size() != scale.size()) {
            throw new InvalidInputException("input 'zero_point': expected the shape of the scale " + scale.shape() + ", got "
                    + zeroPoint.describe());
        }
    }

    /** The smallest value of an integer type (uint64 excluded). */
    static long min(DType t) {
        return t.isUnsigned() ? 0 : -(1L << (bits(t) - 1));
    }

    /** The largest value of an integer type (uint64 excluded). */
    static long max(DType t) {
        return t.isUnsigned() ? (1L << bits(t)) - 1 : (1L << (bits(t) - 1)) - 1;
    }

    private static int bits(DType t) {
        return switch (t) {
            case INT4, UINT4 -> 4;
            case INT2, UINT2 -> 2;
            default -> t.byteSize() * 8;
        };
    }
}
