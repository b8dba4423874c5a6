package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.SparseTensorProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts ONNX sparse tensors (coordinate format) to dense tensors on import and dense tensors back to
 * sparse form on export. Indices may be linear positions ([nnz]) or coordinates ([nnz, rank]); every
 * index is bounds-checked. Stateless.
 */
final class SparseTensors {
    private SparseTensors() {
    }

    static Tensor densify(SparseTensorProto p, LoadContext ctx, String what) {
        TensorProto dimsOnly = TensorProto.newBuilder().addAllDims(p.getDimsList()).build();
        Shape shape = TensorProtos.shapeOf(dimsOnly, what);
        Tensor values = TensorProtos.toTensor(p.getValues(), ctx, what + " (values)");
        Tensor indices = TensorProtos.toTensor(p.getIndices(), ctx, what + " (indices)");
        DType dtype = values.dtype();
        long count = shape.elementCount();
        ctx.charge(TensorProtos.storedBytes(dtype, count, what), what);
        if (count * dtype.slotsPerElement() > Integer.MAX_VALUE - 8) {
            throw new ModelLoadException(what + ": " + count + " elements do not fit one host array");
        }
        int nnz = values.rank() == 1 ? (int) values.dim(0) : -1;
        if (nnz < 0 || indices.dtype() != DType.INT64) {
            throw new ModelLoadException(what + ": values must be 1-D and indices int64");
        }
        int rank = shape.rank();
        boolean linear = indices.rank() == 1 && indices.dim(0) == nnz;
        boolean coords = indices.rank() == 2 && indices.dim(0) == nnz && indices.dim(1) == rank;
        if (!linear && !coords) {
            throw new ModelLoadException(what + ": indices of shape " + indices.shape() + " fit neither [" + nnz + "] nor [" + nnz + "," + rank + "]");
        }
        long[] idx = indices.longData();
        long[] strides = shape.strides();
        int slots = dtype.slotsPerElement();
        Object dense = Tensor.newArray(dtype.storage(), (int) (count * slots));
        Object src = values.data();
        for (int k = 0; k < nnz; k++) {
            long pos = 0;
            if (linear) {
                pos = idx[k];
            } else {
                for (int d = 0; d < rank; d++) {
                    long c = idx[k * rank + d];
                    if (c < 0 || c >= shape.dim(d)) {
                        throw new ModelLoadException(what + ": index " + c + " of value " + k + " is outside dimension " + d + " of " + shape);
                    }
                    pos += c * strides[d];
                }
            }
            if (pos < 0 || pos >= count) {
                throw new ModelLoadException(what + ": position " + pos + " of value " + k + " is outside " + shape);
            }
            System.arraycopy(src, k * slots, dense, (int) pos * slots, slots);
        }
        return Tensor.wrap(dtype, shape, dense);
    }

    /** The sparse form of a dense tensor: every element whose bits are not all zero, at its linear position. */
    static SparseTensorProto sparsify(Tensor t) {
        int slots = t.dtype().slotsPerElement();
        Object data = t.data();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            for (int s = 0; s < slots; s++) {
                if (!isZero(Array.get(data, i * slots + s))) {
                    positions.add(i);
                    break;
                }
            }
        }
        int nnz = positions.size();
        Object values = Tensor.newArray(t.dtype().storage(), nnz * slots);
        long[] idx = new long[nnz];
        for (int k = 0; k < nnz; k++) {
            idx[k] = positions.get(k);
            System.arraycopy(data, positions.get(k) * slots, values, k * slots, slots);
        }
        return SparseTensorProto.newBuilder().addAllDims(longs(t.dims()))
                .setValues(TensorProtos.toProto(Tensor.wrap(t.dtype(), Shape.of(nnz), values), ""))
                .setIndices(TensorProtos.toProto(Tensor.wrap(DType.INT64, Shape.of(nnz), idx), ""))
                .build();
    }

    private static boolean isZero(Object v) {
        if (v instanceof Float f) {
            return Float.floatToRawIntBits(f) == 0;
        }
        if (v instanceof Double d) {
            return Double.doubleToRawLongBits(d) == 0;
        }
        if (v instanceof Boolean b) {
            return !b;
        }
        if (v instanceof String s) {
            return s.isEmpty();
        }
        return ((Number) v).longValue() == 0;
    }

    private static List<Long> longs(long[] a) {
        List<Long> l = new ArrayList<>(a.length);
        for (long v : a) {
            l.add(v);
        }
        return l;
    }
}
