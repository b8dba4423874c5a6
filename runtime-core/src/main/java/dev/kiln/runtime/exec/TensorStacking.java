package dev.kiln.runtime.exec;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Taking one slice of a tensor along an axis, and stacking equal-shaped tensors along a new axis: the
 * data movement of Scan inputs and of Loop and Scan outputs. Works for every element type (block copies
 * of the storage arrays). Stateless.
 */
final class TensorStacking {
    private TensorStacking() {
    }

    /** Slice {@code index} of {@code x} along {@code axis}, without that axis. */
    static Tensor slice(Tensor x, int axis, int index, HostMemory memory, RunState run) {
        long[] dims = x.dims();
        long[] out = new long[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != axis) {
                out[j++] = dims[i];
            }
        }
        int n = (int) dims[axis];
        int outer = (int) product(dims, 0, axis);
        int inner = (int) product(dims, axis + 1, dims.length) * x.dtype().slotsPerElement();
        Tensor y = memory.allocate(x.dtype(), Shape.of(out), run);
        Object src = x.data();
        Object dst = y.data();
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * n + index) * inner, dst, o * inner, inner);
        }
        return y;
    }

    /** The parts stacked along a new axis {@code axis}; every part must have {@code partShape}. */
    static Tensor stack(List<Tensor> parts, int axis, DType dtype, long[] partShape, HostMemory memory, RunState run) {
        int count = parts.size();
        long[] out = new long[partShape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == axis ? count : partShape[j++];
        }
        Tensor y = memory.allocate(dtype, Shape.of(out), run);
        int outer = (int) product(partShape, 0, axis);
        int inner = (int) product(partShape, axis, partShape.length) * dtype.slotsPerElement();
        Object dst = y.data();
        for (int p = 0; p < count; p++) {
            Object src = parts.get(p).data();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * inner, dst, (o * count + p) * inner, inner);
            }
        }
        return y;
    }

    private static long product(long[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }
}
