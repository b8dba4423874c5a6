package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Tensor;

/** Shared addressing of GatherElements and ScatterElements: where each entry of 'indices' points into 'data'. */
final class ElementIndexing {
    private ElementIndexing() {
    }

    /**
     * For every position of {@code indices} (row-major), the element offset into {@code data}: the position's
     * own coordinates, except along {@code axis} where the (resolved) index value is used.
     */
    static int[] offsets(Tensor data, Tensor indices, int axis) {
        int rank = data.rank();
        if (indices.rank() != rank) {
            throw new InvalidInputException("input 'indices': expected rank " + rank + " like 'data' " + data.describe()
                    + ", got " + indices.describe());
        }
        int[] dd = data.shape().intDims();
        int[] id = indices.shape().intDims();
        for (int k = 0; k < rank; k++) {
            if (k != axis && id[k] > dd[k]) {
                throw new InvalidInputException("input 'indices' " + indices.describe() + ": dimension " + k
                        + " exceeds that of 'data' " + data.describe());
            }
        }
        int[] idx = Indices.resolve(indices, dd[axis], "input 'indices'");
        int[] dataStrides = StridedCopy.contiguousStrides(dd);
        int axisStride = dataStrides[axis];
        int[] walk = dataStrides.clone();
        walk[axis] = 0;
        int n = idx.length;
        int[] out = new int[n];
        if (n == 0) {
            return out;
        }
        Odometer o = new Odometer(id, walk, 0, walk, 0, 0);
        for (int i = 0; i < n; i++) {
            out[i] = o.a() + idx[i] * axisStride;
            o.next();
        }
        return out;
    }
}
