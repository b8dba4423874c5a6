package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/** The resampling loops of Resize, given each axis's taps. Stateless; each output row is written by one worker. */
final class ResizeSampling {
    private ResizeSampling() {
    }

    /** Nearest: every output element copies one input element, so this works on any storage kind. */
    static void nearest(Tensor x, ResizeAxis[] plan, Tensor y, CpuExecution exec) {
        int rank = plan.length;
        int slots = x.dtype().slotsPerElement();
        if (rank == 0) {
            Elements.copy(x.data(), 0, y.data(), 0, slots);
            return;
        }
        int[] inStrides = StridedCopy.contiguousStrides(x.shape().intDims());
        int[] out = y.shape().intDims();
        int[][] offsets = new int[rank][];
        for (int k = 0; k < rank; k++) {
            int[] idx = plan[k].index();
            offsets[k] = new int[out[k]];
            for (int j = 0; j < out[k]; j++) {
                offsets[k][j] = idx[j] * inStrides[k] * slots;
            }
        }
        int last = rank - 1;
        int m = out[last];
        int[] lastOffsets = offsets[last];
        if (slots > 1) {
            lastOffsets = new int[m * slots];
            for (int j = 0; j < m; j++) {
                for (int s = 0; s < slots; s++) {
                    lastOffsets[j * slots + s] = offsets[last][j] + s;
                }
            }
        }
        int[] lo = lastOffsets;
        int rows = Args.product(out, 0, last);
        Object src = x.data();
        Object dst = y.data();
        exec.parallelFor(rows, Elements.copyCost(m), (from, to) -> {
            int[] index = new int[last];
            for (int row = from; row < to; row++) {
                int rest = row;
                int base = 0;
                for (int k = last - 1; k >= 0; k--) {
                    index[k] = rest % out[k];
                    rest /= out[k];
                    base += offsets[k][index[k]];
                }
                Elements.gather(src, base, lo, 0, lo.length, dst, row * m * slots);
            }
        });
    }

    /** Linear and cubic: one separable weighted pass per axis that is not an identity, computed in double. */
    static void filter(Tensor x, ResizeAxis[] plan, Tensor y, CpuExecution exec) {
        DType t = x.dtype();
        if (!NumericArrays.numeric(t) || t == DType.BOOL) {
            throw new InvalidInputException("input 'X': linear and cubic resizing need a numeric tensor, got " + x.describe());
        }
        double[] cur = NumericArrays.doubles(x);
        int[] dims = x.shape().intDims();
        int[] out = y.shape().intDims();
        for (int k = 0; k < plan.length; k++) {
            ResizeAxis axis = plan[k];
            if (axis.isIdentity(dims[k])) {
                continue;
            }
            int n = dims[k];
            int m = out[k];
            int outer = Args.product(dims, 0, k);
            int inner = Args.product(dims, k + 1, dims.length);
            double[] src = cur;
            double[] next = new double[outer * m * inner];
            int taps = axis.taps();
            int[] index = axis.index();
            double[] weight = axis.weight();
            exec.parallelFor(outer * m, (long) taps * inner, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int o = item / m;
                    int j = item % m;
                    int dst = item * inner;
                    for (int tap = 0; tap < taps; tap++) {
                        double w = weight[j * taps + tap];
                        if (w == 0) {
                            continue;
                        }
                        int s = (o * n + index[j * taps + tap]) * inner;
                        for (int i = 0; i < inner; i++) {
                            next[dst + i] += w * src[s + i];
                        }
                    }
                }
            });
            cur = next;
            dims[k] = m;
        }
        NumericArrays.store(cur, y);
    }

    /** tf_crop_and_resize: output elements outside the crop along any axis take the extrapolation value. */
    static void extrapolate(ResizeAxis[] plan, double value, Tensor y) {
        boolean any = false;
        for (ResizeAxis a : plan) {
            for (boolean o : a.outside()) {
                any |= o;
            }
        }
        if (!any) {
            return;
        }
        Tensor fill = Tensor.zeros(y.dtype(), Shape.of(1));
        if (NumericArrays.numeric(y.dtype())) {
            NumericArrays.store(new double[] {value}, fill);
        }
        int slots = y.dtype().slotsPerElement();
        int[] out = y.shape().intDims();
        int rank = out.length;
        int[] index = new int[rank];
        int n = y.size();
        for (int e = 0; e < n; e++) {
            boolean outside = false;
            for (int k = 0; k < rank; k++) {
                outside |= plan[k].outside()[index[k]];
            }
            if (outside) {
                Elements.copy(fill.data(), 0, y.data(), e * slots, slots);
            }
            for (int k = rank - 1; k >= 0 && ++index[k] == out[k]; k--) {
                index[k] = 0;
            }
        }
    }
}
